-- wrk script for bench/mixed.sh: visitors reading a consultation, as issue 21 measured it:
-- random threads (85 %), boards (10 %), the home page (4 %) and a search (1 %). bench/mixed.sh
-- writes the ids and slugs to MIXED_DATA (a Lua file setting THREADS and BOARDS).
dofile(os.getenv("MIXED_DATA"))

function init(args)
  math.randomseed(os.time() * 1000 + math.random(1000))
end

local function pick(list) return list[math.random(#list)] end

request = function()
  local roll = math.random(100)
  local path
  if roll <= 85 then path = "/t/" .. pick(THREADS)
  elseif roll <= 95 then path = "/b/" .. pick(BOARDS)
  elseif roll <= 99 then path = "/"
  else path = "/search?q=cobertura" end
  return wrk.format("GET", path)
end
