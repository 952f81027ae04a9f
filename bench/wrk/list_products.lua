-- GET /products/?category_id=…&page_size=20 with a category drawn from the seeded ones.
-- Arguments (after --): the category ids
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "common.lua")

local categories = {}

function init(args)
  for i = 1, #args do
    categories[i] = tonumber(args[i])
  end
  seed_random()
end

function request()
  local category_id = categories[math.random(1, #categories)]
  return wrk.format("GET", "/products/?category_id=" .. category_id .. "&page_size=20")
end
