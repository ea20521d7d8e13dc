-- GET /api/v1/products/{sku} over the first 1,000 seeded SKUs.
local skus = {}
local index = 0

function init(args)
    for line in io.lines(os.getenv("SKU_FILE")) do table.insert(skus, line) end
    index = math.random(1, #skus)
end

function request()
    index = index % #skus + 1
    return wrk.format("GET", "/api/v1/products/" .. skus[index])
end
