-- B6: sign-in by a one-time SMS code, as fast as the server allows.
-- Usage: wrk ... http://HOST/ -- <first number> <numbers per thread> [many-ips|one-ip]
--
-- One sign-in is three requests:
--   POST /api/v1/auth/codes         {"channel":"sms","to":<fresh phone>,"purpose":"login"} -> 202 flow_id
--   GET  /api/v1/dev/outbox?to=…    -> the code (newest last)
--   POST /api/v1/auth/codes/verify  {"flow_id","code"} -> 200 token
-- Phones are +7916 followed by 7 digits: <first number> + thread * <numbers per thread> + counter,
-- so each is used once per server (the 60 s resend cooldown never applies).
-- "many-ips" (the default) sends each sign-in from its own client address, 10.x.y.z derived from
-- the phone, in X-Forwarded-For (the server must trust 127.0.0.1 as a proxy), as real traffic
-- from many customers would; "one-ip" sends everything from 127.0.0.1, so the per-IP send
-- counters grow with every sign-in of the run.
--
-- wrk's response() does not say which connection (and so which sign-in) a response belongs to,
-- so each request carries an X-Request-Id that the server echoes back ("c<phone>",
-- "o<phone>:<flow_id>", "v<phone>"). A response queues the next step of its sign-in in a
-- per-thread FIFO; a connection takes the oldest ready step, or starts a new sign-in when none
-- is ready. Every connection always has exactly one request in flight, as with any wrk script.
--
-- done() prints one line "KBENCH {json}" with the counters summed over threads; run.py reads it.

local threads = {}
local next_tid = 0

function setup(thread)
   thread:set("tid", next_tid)
   next_tid = next_tid + 1
   table.insert(threads, thread)
end

-- Per-thread state (each wrk thread has its own Lua state).
local first, span, counter = 0, 0, 0
local many_ips = true
local ready, head, tail = {}, 1, 0

-- Counters, global so that done() can read them with thread:get().
signins = 0      -- completed verifies (200 with a token)
codes_ok = 0     -- 202 from POST /auth/codes
outbox_ok = 0    -- outbox answers that held a code
errors = 0       -- any step that failed (its sign-in is abandoned)
wrapped = 0      -- the thread ran out of fresh phone numbers and reused old ones
bad = {}         -- "step status" -> count

function init(args)
   first = tonumber(args[1]) or 1000000
   span = tonumber(args[2]) or 1000000
   many_ips = (args[3] or "many-ips") ~= "one-ip"
   if first + (tid + 1) * span > 10000000 then
      error("b6_signin.lua: phone range does not fit in 7 digits")
   end
end

local function push(item)
   tail = tail + 1
   ready[tail] = item
end

local function pop()
   if head > tail then
      return nil
   end
   local item = ready[head]
   ready[head] = nil
   head = head + 1
   return item
end

-- 10.a.b.c for phone number n (< 2^24): one address per customer.
function client_ip(n)
   return string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
end

local function fail(step, status)
   errors = errors + 1
   local key = step .. " " .. tostring(status)
   bad[key] = (bad[key] or 0) + 1
end

function request()
   local item = pop()
   if item == nil then
      counter = counter + 1
      if counter >= span then
         counter = 1
         wrapped = wrapped + 1
      end
      local n = first + tid * span + counter
      local phone = string.format("+7916%07d", n)
      local h = { ["Content-Type"] = "application/json", ["X-Request-Id"] = "c" .. phone }
      if many_ips then
         h["X-Forwarded-For"] = client_ip(n)
      end
      return wrk.format("POST", "/api/v1/auth/codes", h,
         '{"channel":"sms","to":"' .. phone .. '","purpose":"login"}')
   elseif item[1] == "o" then
      -- the outbox is a dev tool, not customer traffic: no client address
      return wrk.format("GET", "/api/v1/dev/outbox?to=%2B" .. item[2]:sub(2),
         { ["X-Request-Id"] = "o" .. item[2] .. ":" .. item[3] })
   else
      local h = { ["Content-Type"] = "application/json", ["X-Request-Id"] = "v" .. item[2] }
      if many_ips then
         h["X-Forwarded-For"] = client_ip(tonumber(item[2]:sub(6)))
      end
      return wrk.format("POST", "/api/v1/auth/codes/verify", h,
         '{"flow_id":"' .. item[3] .. '","code":"' .. item[4] .. '"}')
   end
end

function response(status, headers, body)
   local rid = headers["x-request-id"] or headers["X-Request-Id"]
   if rid == nil then
      return fail("unknown", status)
   end
   local step = rid:sub(1, 1)
   if step == "c" then
      if status == 202 then
         local flow = body:match('"flow_id"%s*:%s*"([^"]+)"')
         if flow then
            codes_ok = codes_ok + 1
            push({ "o", rid:sub(2), flow })
            return
         end
      end
      fail("codes", status)
   elseif step == "o" then
      if status == 200 then
         local phone, flow = rid:match("^o([^:]+):(.+)$")
         local code = nil
         for c in body:gmatch('"code"%s*:%s*"(%d+)"') do
            code = c -- newest last
         end
         if code then
            outbox_ok = outbox_ok + 1
            push({ "v", phone, flow, code })
            return
         end
         return fail("outbox-no-code", status)
      end
      fail("outbox", status)
   elseif step == "v" then
      if status == 200 and body:find('"token"', 1, true) then
         signins = signins + 1
         return
      end
      fail("verify", status)
   else
      fail("unknown", status)
   end
end

function done(summary, latency, requests)
   local total = { signins = 0, codes_ok = 0, outbox_ok = 0, errors = 0, wrapped = 0 }
   local statuses = {}
   for _, t in ipairs(threads) do
      for k, _ in pairs(total) do
         total[k] = total[k] + (t:get(k) or 0)
      end
      local b = t:get("bad") or {}
      for k, v in pairs(b) do
         statuses[k] = (statuses[k] or 0) + v
      end
   end
   local parts = {}
   for k, v in pairs(total) do
      parts[#parts + 1] = string.format('"%s":%d', k, v)
   end
   parts[#parts + 1] = string.format('"duration_us":%d', summary.duration)
   parts[#parts + 1] = string.format('"requests":%d', summary.requests)
   local b = {}
   for k, v in pairs(statuses) do
      b[#b + 1] = string.format('"%s":%d', k, v)
   end
   parts[#parts + 1] = '"bad":{' .. table.concat(b, ",") .. "}"
   io.write("KBENCH {" .. table.concat(parts, ",") .. "}\n")
end
