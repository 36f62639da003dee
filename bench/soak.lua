-- wrk script for bench/soak.sh: a consultation's mixed traffic, each request from its own client
-- address (X-Forwarded-For, believed because the server trusts 127.0.0.1 as its proxy):
--   80 % visitors reading (threads 70 %, boards 15 %, home 10 %, search 5 %)
--   15 % signed-in members reading (threads 60 %, boards 25 %, notifications 10 %, settings 5 %)
--    5 % members replying (rate limits on: most replies beyond one per 5 s per account get 429)
-- soak.sh writes soak-data.lua beside a copy of this script: THREADS (listed thread ids),
-- BOARDS (slugs), MEMBERS ({session, token} pairs) and WORDS (search words).
dofile(os.getenv("SOAK_DATA"))

local all = {}
function setup(thread)
  all[#all + 1] = thread
  thread:set("id", #all)
end

function init(args)
  math.randomseed(os.time() * 1000 + id)
  s2, s3, s429, s4, s5, counter = 0, 0, 0, 0, 0, 0
end

local function pick(list) return list[math.random(#list)] end

local function address()
  return "10." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)
end

request = function()
  local roll = math.random(100)
  local headers = { ["X-Forwarded-For"] = address() }
  local path
  if roll <= 80 then
    local r = math.random(100)
    if r <= 70 then path = "/t/" .. pick(THREADS)
    elseif r <= 85 then path = "/b/" .. pick(BOARDS)
    elseif r <= 95 then path = "/"
    else path = "/search?q=" .. pick(WORDS) end
    return wrk.format("GET", path, headers)
  end
  local member = pick(MEMBERS)
  headers["Cookie"] = "cabildo_session=" .. member[1]
  if roll <= 95 then
    local r = math.random(100)
    if r <= 60 then path = "/t/" .. pick(THREADS)
    elseif r <= 85 then path = "/b/" .. pick(BOARDS)
    elseif r <= 95 then path = "/notifications"
    else path = "/settings" end
    return wrk.format("GET", path, headers)
  end
  counter = counter + 1
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  -- Unique per wrk thread and request: the forum refuses the same text twice from one account.
  local body = "csrf_token=" .. member[2] .. "&body=Aporte+de+prueba+" .. id .. "-" .. counter .. "-" .. os.time()
    .. "+sobre+cobertura+y+acceso+en+el+municipio"
  return wrk.format("POST", "/t/" .. pick(THREADS) .. "/reply", headers, body)
end

response = function(status, headers, body)
  if status == 429 then s429 = s429 + 1
  elseif status >= 500 then s5 = s5 + 1
  elseif status >= 400 then s4 = s4 + 1
  elseif status >= 300 then s3 = s3 + 1
  else s2 = s2 + 1 end
end

done = function(summary, latency, requests)
  local t = { s2 = 0, s3 = 0, s429 = 0, s4 = 0, s5 = 0 }
  for _, thread in ipairs(all) do
    for name, _ in pairs(t) do t[name] = t[name] + thread:get(name) end
  end
  io.write(string.format("soak-counts %d %d %d %d %d %d %.2f %.2f\n", t.s2, t.s3, t.s429, t.s4, t.s5,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
