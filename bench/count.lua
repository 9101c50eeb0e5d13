-- Sends exactly LIMIT requests for TARGET from each thread, then only
-- FILLER requests, so every counted request has been answered when wrk stops.
local limit = tonumber(os.getenv("BENCH_LIMIT_PER_THREAD"))
local target = os.getenv("BENCH_TARGET")
local filler = os.getenv("BENCH_FILLER") or "/robots.txt"
local sent = 0
local bad = 0

request = function()
  if sent < limit then
    sent = sent + 1
    return wrk.format("GET", target)
  end
  return wrk.format("GET", filler)
end

response = function(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
