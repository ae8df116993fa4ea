-- Every confirmation link in the file BENCH_PATHS, as each delegate opens it: GET the page,
-- then POST its button. Each thread takes every n-th link; once done it asks for /health/
-- (stopping a thread would leave a connection open that blocks a sync worker).
local threads = {}
local paths, mine = {}, {}
local step = 0
posts, sent = 0, 0
local csrf = "BenchCsrfSecretBenchCsrfSecret32"

setup = function(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

init = function(args)
  local all = {}
  for line in io.lines(os.getenv("BENCH_PATHS")) do
    if #line > 0 then table.insert(all, line) end
  end
  local count = tonumber(os.getenv("BENCH_THREADS") or "2")
  for index = id, #all, count do table.insert(mine, all[index]) end
end

local function headers(extra)
  local base = {
    ["X-Forwarded-Proto"] = "https",
    ["Cookie"] = "csrftoken=" .. csrf,
    ["Origin"] = "https://" .. wrk.host .. ":" .. wrk.port,
  }
  for key, value in pairs(extra or {}) do base[key] = value end
  return base
end

request = function()
  step = step + 1
  local index = math.floor((step + 1) / 2)
  if index > #mine then
    return wrk.format("GET", "/health/", headers())
  end
  if step % 2 == 1 then
    return wrk.format("GET", mine[index], headers())
  end
  sent = sent + 1
  return wrk.format("POST", mine[index], headers({
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Forwarded-For"] = "10.200." .. math.floor(index / 256) % 256 .. "." .. index % 256,
  }), "csrfmiddlewaretoken=" .. csrf)
end

response = function(status, headers, body)
  if status == 302 then posts = posts + 1 end
end

done = function(summary, latency, requests)
  local ok, total = 0, 0
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("posts")
    total = total + thread:get("sent")
  end
  io.write(string.format("REPORT posts %d\nREPORT posts_sent %d\n", ok, total))
end
