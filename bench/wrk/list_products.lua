-- GET /products/?category_id=…&page_size=20 with a category drawn from one store's seeded ones.
-- Arguments (after --): store_slug, then the category ids
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "common.lua")

local categories = {}

function init(args)
  wrk.headers["X-Store"] = args[1]
  for i = 2, #args do
    categories[i - 1] = tonumber(args[i])
  end
  seed_random()
end

function request()
  local category_id = categories[math.random(1, #categories)]
  return wrk.format("GET", "/products/?category_id=" .. category_id .. "&page_size=20")
end
