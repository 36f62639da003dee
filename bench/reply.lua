-- wrk script: replies posted by one signed-in member, each with a different body, carrying
-- the session cookie and the CSRF token (bench/run.sh fills @SESSION@ and @TOKEN@).
-- A reply answers 303 See Other; wrk counts it as a success. Each wrk thread numbers its own
-- replies under its own id, so no two bodies repeat (the forum refuses the same text twice).
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "cabildo_session=@SESSION@"

request = function()
  counter = counter + 1
  local body = "csrf_token=@TOKEN@&body=Respuesta+de+prueba+" .. id .. "-" .. counter .. "+desde+wrk"
  return wrk.format(nil, nil, nil, body)
end
