-- GET /products/{id} with an id drawn uniformly from the seeded range of one store.
-- Arguments (after --): store_slug first_product_id last_product_id
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "common.lua")

local first_id, last_id

function init(args)
  wrk.headers["X-Store"] = args[1]
  first_id = tonumber(args[2])
  last_id = tonumber(args[3])
  seed_random()
end

function request()
  return wrk.format("GET", "/products/" .. math.random(first_id, last_id))
end
