-- A crawler: every path of BENCH_URLS once (the bench writes them in random
-- order), shared out between wrk's threads, with the user agent BENCH_UA.
-- A thread stops when its share is answered; wrk still reports its full -d,
-- so done() prints the time from the first request to the last answer.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *moment);
]]
local function now()
  local moment = ffi.new("bench_timespec")
  ffi.C.clock_gettime(1, moment) -- CLOCK_MONOTONIC
  return tonumber(moment.tv_sec) + tonumber(moment.tv_nsec) / 1e9
end

local threads = {}
function setup(thread)
  thread:set("id", #threads)
  thread:set("count", tonumber(os.getenv("BENCH_THREADS")))
  table.insert(threads, thread)
end

local mine, calls, index, answered = {}, 0, 0, 0
first, last, crawled = 0, 0, 0
function init(args)
  local n = 0
  for line in io.lines(os.getenv("BENCH_URLS")) do
    if line ~= "" then
      if n % count == id then mine[#mine + 1] = line end
      n = n + 1
    end
  end
  wrk.headers["User-Agent"] = os.getenv("BENCH_UA")
end

-- wrk builds one request per thread before it starts and throws it away:
-- the first call does not take a page.
request = function()
  calls = calls + 1
  if calls == 1 or index >= #mine then
    return wrk.format("GET", mine[#mine] or "/robots.txt")
  end
  if first == 0 then first = now() end
  index = index + 1
  return wrk.format("GET", mine[index])
end

response = function(status, headers, body)
  answered = answered + 1
  last = now()
  crawled = math.min(answered, #mine)
  if answered >= #mine then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local started, ended, pages = math.huge, 0, 0
  for _, thread in ipairs(threads) do
    local first = thread:get("first")
    if first > 0 then started = math.min(started, first) end
    ended = math.max(ended, thread:get("last"))
    pages = pages + thread:get("crawled")
  end
  io.write(string.format("crawl: %d pages in %.3f s\n", pages, math.max(ended - started, 0)))
end
