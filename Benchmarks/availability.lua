-- GET /api/v1/products/{sku}/availability over the SKUs in $SKU_FILE (one a
-- line; Benchmarks/http.sh and reads.sh write such a file). Always answered
-- by the store: availability is no-store.
local skus = {}
local index = 0

function init(args)
    for line in io.lines(os.getenv("SKU_FILE")) do table.insert(skus, line) end
    index = math.random(1, #skus)
end

function request()
    index = index % #skus + 1
    return wrk.format("GET", "/api/v1/products/" .. skus[index] .. "/availability")
end
