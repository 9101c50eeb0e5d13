-- Sends exactly LIMIT requests for TARGET from each thread, then only
-- FILLER requests, so every counted request has been answered when wrk stops.
-- wrk builds (and throws away) one request per thread before it starts, so
-- the first call returns the filler and is not counted.
local limit = tonumber(os.getenv("BENCH_LIMIT_PER_THREAD"))
local target = os.getenv("BENCH_TARGET")
local filler = os.getenv("BENCH_FILLER") or "/robots.txt"
local calls = 0
sent = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

request = function()
  calls = calls + 1
  if calls > 1 and sent < limit then
    sent = sent + 1
    return wrk.format("GET", target)
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
