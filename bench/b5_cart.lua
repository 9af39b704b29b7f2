-- B5: the cart. Usage: wrk ... http://HOST/api/v1/cart -- <product id> <token> [<token> ...]
-- Requests alternate: PUT /api/v1/cart/items/{id} {"quantity": 1 or 2} (answers with the cart
-- and its parcel plan), then GET /api/v1/cart, each pair with the next customer's token in turn.
-- Every request counts once in req/s.

local product, tokens = nil, {}
local n = 0

function init(args)
   product = args[1]
   for i = 2, #args do
      tokens[#tokens + 1] = args[i]
   end
   if not product or #tokens == 0 then
      error("b5_cart.lua needs a product id and at least one session token")
   end
   n = math.random(0, #tokens * 2)
end

function request()
   n = n + 1
   local pair = math.floor(n / 2)
   local token = tokens[pair % #tokens + 1]
   local headers = {
      ["Authorization"] = "Bearer " .. token,
      ["Accept"] = "application/json",
   }
   if n % 2 == 0 then
      headers["Content-Type"] = "application/json"
      local body = string.format('{"quantity": %d}', pair % 2 + 1)
      return wrk.format("PUT", "/api/v1/cart/items/" .. product, headers, body)
   end
   return wrk.format("GET", wrk.path, headers)
end
