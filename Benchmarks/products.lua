-- GET /api/v1/products/{sku} over the SKUs in $SKU_FILE (one a line;
-- http.sh and reads.sh write the first 1,000 seeded SKUs there).
-- PRODUCT_PATH_SUFFIX=/availability reads each product's availability
-- instead, which is no-store and always answered by the store.
local skus = {}
local index = 0
local suffix = os.getenv("PRODUCT_PATH_SUFFIX") or ""

function init(args)
    for line in io.lines(os.getenv("SKU_FILE")) do table.insert(skus, line) end
    index = math.random(1, #skus)
end

function request()
    index = index % #skus + 1
    return wrk.format("GET", "/api/v1/products/" .. skus[index] .. suffix)
end
