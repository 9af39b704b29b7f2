-- W3: gift-certificate activation. Usage:
--   wrk ... http://HOST/api/v1/gift-certificates/activate -- <codes prefix> <token> [<token> ...]
-- Each wrk thread reads its own file <codes prefix>.<thread number> (one unused certificate
-- number per line, issued by run.py with `kabinet certificates issue`) and activates each once,
-- the customers' tokens in turn. A thread that runs out of codes starts again from its first
-- (those answers are 400 invalid_certificate and count as failures, so run.py issues enough).

local counter = 0
local threads = {}

function setup(thread)
   thread:set("id", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

local codes, tokens = {}, {}
local n = 0

function init(args)
   local prefix = args[1]
   for i = 2, #args do
      tokens[#tokens + 1] = args[i]
   end
   if not prefix or #tokens == 0 then
      error("w3_activate.lua needs a codes file prefix and at least one session token")
   end
   local f = assert(io.open(prefix .. "." .. tostring(id), "r"))
   for line in f:lines() do
      if #line > 0 then codes[#codes + 1] = line end
   end
   f:close()
   if #codes == 0 then error("no codes for thread " .. tostring(id)) end
end

function request()
   n = n + 1
   local code = codes[(n - 1) % #codes + 1]
   local headers = {
      ["Authorization"] = "Bearer " .. tokens[n % #tokens + 1],
      ["Accept"] = "application/json",
      ["Content-Type"] = "application/json",
   }
   return wrk.format("POST", wrk.path, headers, string.format('{"code": "%s"}', code))
end
