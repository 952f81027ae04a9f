-- Shared by the benchmark scripts: a random source seeded differently in every thread, and
-- one machine-readable summary line that bench/run.py parses (wrk's own report is for people).

local started = 0

function setup(thread)
  -- Runs in the main Lua state, once per thread, before the threads start.
  started = started + 1
  thread:set("thread_number", started)
end

function seed_random()
  -- Threads start within the same second, so the time alone would give them one sequence.
  math.randomseed(os.time() * 1000 + (thread_number or 0))
  for _ = 1, 10 do math.random() end
end

function read_words(path)
  -- The lines of a file, each split at blanks; blank lines are skipped. Fails loudly, so
  -- that a missing token file stops wrk instead of sending requests without a token.
  local file = assert(io.open(path, "r"))
  local lines = {}
  for line in file:lines() do
    local words = {}
    for word in line:gmatch("%S+") do words[#words + 1] = word end
    if #words > 0 then lines[#lines + 1] = words end
  end
  file:close()
  assert(#lines > 0, path .. " is empty")
  return lines
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"min": %d, "mean": %.1f, "max": %d, "p50": %d, "p90": %d, "p99": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
