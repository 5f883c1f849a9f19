-- wrk script for bench/http_load.py.
--
--   wrk -s bench/http_load.lua URL -- diagnostics RUN_LABEL ITEM_ID...   complete diagnostics
--   wrk -s bench/http_load.lua URL -- baseline                          GET / (bare route)
--   wrk -s bench/http_load.lua URL -- page RUN_LABEL PATH COOKIE        GET one page, as the
--                                                                       browser holding COOKIE
--
-- In "diagnostics" mode every request posts a complete paper form (each item 0 to 4 at
-- random) to /api/v1/diagnostics with an Idempotency-Key of its own: run label, wrk thread,
-- a random number drawn per thread, and a per-thread counter. Responses outside 2xx are
-- counted (wrk itself only counts statuses above 399), and the first one is kept to show why.
-- done() prints one line "BENCH {json}" that http_load.py reads.

local threads = {}
local next_thread_id = 1

function setup(thread)
  thread:set("id", next_thread_id)
  next_thread_id = next_thread_id + 1
  table.insert(threads, thread)
end

-- Globals, so that done() can read them from each thread with thread:get().
non2xx = 0
sample = nil
local mode, items, key_prefix, page
local sent = 0
local json_headers = {}

function init(args)
  mode = args[1] or "baseline"
  items = {}
  for i = 3, #args do
    items[#items + 1] = args[i]
  end
  math.randomseed(os.time() * 1000 + id)
  key_prefix = string.format("%s-%d-%08x", args[2] or "run", id, math.random(0, 0x7fffffff))
  json_headers["Content-Type"] = "application/json"
  if mode == "page" then
    page = wrk.format("GET", args[3], { Cookie = args[4] })
  end
end

local function diagnostic()
  local answers = {}
  for i, item in ipairs(items) do
    answers[i] = string.format('"%s":%d', item, math.random(0, 4))
  end
  return '{"answers":{' .. table.concat(answers, ",") .. '},"channel":"online"}'
end

function request()
  if mode == "page" then
    return page
  end
  if mode ~= "diagnostics" then
    return wrk.format("GET", "/")
  end
  sent = sent + 1
  json_headers["Idempotency-Key"] = key_prefix .. "-" .. sent
  return wrk.format("POST", "/api/v1/diagnostics", json_headers, diagnostic())
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if sample == nil then
      sample = status .. " " .. string.sub(body or "", 1, 300)
    end
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non2xx") or 0)
    local first = thread:get("sample")
    if first ~= nil then
      io.write("SAMPLE ", (string.gsub(first, "\n", " ")), "\n")
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,'
      .. '"max_us":%d,"mean_us":%.1f,"connect":%d,"read":%d,"write":%d,"status":%d,'
      .. '"timeout":%d,"non2xx":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, e.connect, e.read, e.write, e.status,
    e.timeout, bad))
end
