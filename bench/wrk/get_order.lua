-- GET /orders/{id} with a bearer token: a customer drawn at random, then one of their own
-- orders, so that every answer is a 200 (another customer's order would be a 404).
-- Arguments (after --): customers_file (per line: an access token, then the ids of the
--                       orders of that token's user)
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "common.lua")

local customers = {}

function init(args)
  for _, words in ipairs(read_words(args[1])) do
    local orders = {}
    for i = 2, #words do orders[#orders + 1] = words[i] end
    assert(#orders > 0, "a customer without orders in " .. args[1])
    customers[#customers + 1] = {
      headers = {["Authorization"] = "Bearer " .. words[1]},
      orders = orders,
    }
  end
  seed_random()
end

function request()
  local customer = customers[math.random(1, #customers)]
  local order_id = customer.orders[math.random(1, #customer.orders)]
  return wrk.format("GET", "/orders/" .. order_id, customer.headers)
end
