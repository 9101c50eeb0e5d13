-- The read-count check: each thread sends exactly BENCH_PER_PATH requests
-- for each path of BENCH_URLS (in turn, from an offset of its own), then
-- only FILLER requests, so every counted request has been answered when
-- wrk stops. wrk builds (and throws away) one request per thread before it
-- starts, so the first call returns the filler and is not counted.
local paths = {}
for line in io.lines(os.getenv("BENCH_URLS")) do
  if line ~= "" then paths[#paths + 1] = line end
end
local limit = tonumber(os.getenv("BENCH_PER_PATH")) * #paths
local filler = os.getenv("BENCH_FILLER") or "/robots.txt"
local calls = 0
sent = 0
local threads = {}

function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

request = function()
  calls = calls + 1
  if calls > 1 and sent < limit then
    local path = paths[(sent + offset) % #paths + 1]
    sent = sent + 1
    return wrk.format("GET", path)
  end
  return wrk.format("GET", filler)
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("sent")
  end
  io.write(string.format("target requests sent: %d\n", total))
end
