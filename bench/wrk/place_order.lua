-- POST /orders/ for a random user, with `lines` distinct random products, one of each, sent
-- with the admin's bearer token (an admin may place an order for anyone).
-- Arguments (after --): first_product_id last_product_id first_user_id last_user_id lines
--                       admin_token_file (one line: the admin's access token)
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "common.lua")

local first_product, last_product, first_user, last_user, lines, headers

function init(args)
  first_product = tonumber(args[1])
  last_product = tonumber(args[2])
  first_user = tonumber(args[3])
  last_user = tonumber(args[4])
  lines = tonumber(args[5] or "3")
  headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. read_words(args[6])[1][1],
  }
  seed_random()
end

function request()
  local chosen, items = {}, {}
  while #items < lines do
    local id = math.random(first_product, last_product)
    if not chosen[id] then
      chosen[id] = true
      items[#items + 1] = '{"product_id": ' .. id .. ', "quantity": 1}'
    end
  end
  local body = '{"user_id": ' .. math.random(first_user, last_user) ..
    ', "items": [' .. table.concat(items, ", ") .. ']}'
  return wrk.format("POST", "/orders/", headers, body)
end
