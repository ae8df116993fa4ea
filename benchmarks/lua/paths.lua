-- GET the paths listed in the file BENCH_PATHS in turn, as a TLS proxy would forward them.
local paths = {}
local counter = 0

init = function(args)
  for line in io.lines(os.getenv("BENCH_PATHS")) do
    if #line > 0 then table.insert(paths, line) end
  end
end

request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1], { ["X-Forwarded-Proto"] = "https" })
end
