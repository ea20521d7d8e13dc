-- "Add to cart" on a new cart, one shopper per connection, forever.
-- ADD_TO_CART=two: POST /api/v1/carts, then PUT the line (two requests,
-- two writes). ADD_TO_CART=one: POST /api/v1/carts with the line in the
-- body (one request, one write). Counts carts holding their line.
local mode = os.getenv("ADD_TO_CART") or "one"
local state = "cart"
local cart = nil
local counter = 0
local sku_count = 50
added = 0
failed = 0
threads = {}

function setup(thread)
    thread:set("id", math.random(1, 1000000))
    table.insert(threads, thread)
end

function init(args)
    math.randomseed(id)
    counter = math.random(1, sku_count)
end

local function next_sku()
    counter = counter + 1
    return "BENCH-" .. ((counter % sku_count) + 1)
end

function request()
    local json = {["Content-Type"] = "application/json"}
    if mode == "one" then
        return wrk.format("POST", "/api/v1/carts", json, '{"lines":[{"sku":"' .. next_sku() .. '","quantity":1}]}')
    elseif state == "cart" then
        return wrk.format("POST", "/api/v1/carts")
    else
        return wrk.format("PUT", "/api/v1/carts/" .. cart .. "/lines/" .. next_sku(), json, '{"quantity":1}')
    end
end

function response(status, headers, body)
    if mode == "one" then
        if status == 201 then added = added + 1 else failed = failed + 1 end
    elseif state == "cart" then
        cart = body:match('"id":"(c_[a-z0-9]+)"')
        if cart then state = "line" else failed = failed + 1 end
    else
        if status == 200 then added = added + 1 else failed = failed + 1 end
        state = "cart"
    end
end

function done(summary, latency, requests)
    local total, refused = 0, 0
    for _, thread in ipairs(threads) do
        total = total + thread:get("added")
        refused = refused + thread:get("failed")
    end
    io.write(string.format("added %d failed %d seconds %.2f\n", total, refused, summary.duration / 1e6))
end
