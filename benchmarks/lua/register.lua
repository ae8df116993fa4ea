-- The registration form as a delegate uses it: GET the form, then POST it, each delegate
-- with a new e-mail address and a new client address (X-Forwarded-For, as nginx sets it).
-- The CSRF cookie and token are a fixed pair; Django accepts an unmasked secret in the form.
-- Globals (id, posts, created) are per thread; done() adds them up.
local csrf = "BenchCsrfSecretBenchCsrfSecret32"
local threads = {}
local step = 0
local edition, run
posts, created = 0, 0

setup = function(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

init = function(args)
  edition = os.getenv("BENCH_EDITION")
  run = os.getenv("BENCH_RUN")
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
  local path = "/en/editions/" .. edition .. "/register/"
  if step % 2 == 1 then
    return wrk.format("GET", path, headers())
  end
  posts = posts + 1
  local n = posts
  local address = "10." .. id .. "." .. math.floor(n / 256) % 256 .. "." .. n % 256
  local email = "bench-" .. run .. "-" .. id .. "-" .. n .. "@example.org"
  local body = "csrfmiddlewaretoken=" .. csrf
    .. "&family_name=Bench&given_name=Delegate" .. n .. "&native_name=&honorific="
    .. "&position=Councilor&organization=Bench+Council&side=japan&category=local_councilor"
    .. "&email=" .. email .. "&phone=&interpretation_language=&dietary_needs=&accessibility_needs="
    .. "&privacy_consent=on&website="
  return wrk.format("POST", path, headers({
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Forwarded-For"] = address,
  }), body)
end

response = function(status, headers, body)
  if status == 302 then created = created + 1 end
end

done = function(summary, latency, requests)
  local sent, ok = 0, 0
  for _, thread in ipairs(threads) do
    sent = sent + thread:get("posts")
    ok = ok + thread:get("created")
  end
  io.write(string.format("REPORT posts %d\nREPORT posts_sent %d\n", ok, sent))
end
