-- POST /transfers/ from a random customer to another, of a random amount from 0.01 to 0.99,
-- sent with the sender's own bearer token (a transfer is always from its caller).
-- Arguments (after --): customers_file (one line per customer: user id, access token)
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "common.lua")

local customers

function init(args)
  customers = read_words(args[1])
  seed_random()
end

function request()
  local from = math.random(#customers)
  local to = math.random(#customers - 1)
  if to >= from then
    to = to + 1
  end
  local body = '{"to_user_id": ' .. customers[to][1] ..
    ', "amount": "0.' .. string.format("%02d", math.random(1, 99)) .. '"}'
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. customers[from][2],
  }
  return wrk.format("POST", "/transfers/", headers, body)
end
