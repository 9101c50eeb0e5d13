-- Readers by Zipf rank: BENCH_URLS lists paths, the most read first; rank k
-- is requested with probability proportional to 1 / k^BENCH_ZIPF_S.
local s = tonumber(os.getenv("BENCH_ZIPF_S") or "1.1")
local paths, cumulative, total = {}, {}, 0
for line in io.lines(os.getenv("BENCH_URLS")) do
  if line ~= "" then
    paths[#paths + 1] = line
    total = total + 1 / (#paths) ^ s
    cumulative[#paths] = total
  end
end

local count = 0
function setup(thread)
  count = count + 1
  thread:set("id", count)
end

function init(args)
  math.randomseed(os.time() + (id or 0) * 7919 + math.floor(os.clock() * 1000000))
end

request = function()
  local u = math.random() * total
  local low, high = 1, #paths
  while low < high do
    local middle = math.floor((low + high) / 2)
    if cumulative[middle] < u then low = middle + 1 else high = middle end
  end
  return wrk.format("GET", paths[low])
end
