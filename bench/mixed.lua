-- Mixed reader traffic: picks a random path from BENCH_PATHS (one per line).
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  if line ~= "" then paths[#paths + 1] = line end
end
math.randomseed(os.time() + math.floor(os.clock() * 1000000))

request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
