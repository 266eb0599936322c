-- wrk script: cycles through a file of request paths (one a line, e.g. from
-- `passage_bench_query gen --paths FILE`), each wrk thread starting at its own offset.
--   wrk -c 8 -d 10s --latency -s bench/wrk_mix.lua http://127.0.0.1:PORT -- mix.paths
local paths = {}
local i = 0
local thread_count = 0

function setup(thread)
  thread:set("offset", thread_count * 37)
  thread_count = thread_count + 1
end

function init(args)
  local file = args[1]
  if file == nil then error("wrk_mix.lua: give the paths file after --") end
  for line in io.lines(file) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  if #paths == 0 then error("wrk_mix.lua: no paths in " .. file) end
  i = (offset or 0) % #paths
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
