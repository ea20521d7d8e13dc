-- One shopper per connection, forever: create a cart, add a unit, check out.
-- Counts completed checkouts per thread; the shell script adds them up.
local state = "cart"
local cart = nil
checkouts = 0
refused = 0
local sku_count = 50
local counter = 0

function setup(thread)
    thread:set("id", math.random(1, 1000000))
    table.insert(threads, thread)
end

threads = {}

function init(args)
    math.randomseed(id)
end

function request()
    if state == "cart" then
        return wrk.format("POST", "/api/v1/carts")
    elseif state == "line" then
        counter = counter + 1
        local sku = "BENCH-" .. ((counter % sku_count) + 1)
        return wrk.format("PUT", "/api/v1/carts/" .. cart .. "/lines/" .. sku, {["Content-Type"] = "application/json"}, '{"quantity":1}')
    else
        local body = '{"email":"bench@example.com","shippingAddress":{"name":"Bench","line1":"Street 1","city":"Berlin","postalCode":"10115","country":"DE"}}'
        return wrk.format("POST", "/api/v1/carts/" .. cart .. "/checkout", {["Content-Type"] = "application/json"}, body)
    end
end

function response(status, headers, body)
    if state == "cart" then
        cart = body:match('"id":"(c_[a-z0-9]+)"')
        state = cart and "line" or "cart"
    elseif state == "line" then
        state = (status == 200) and "checkout" or "cart"
    else
        if status == 201 then checkouts = checkouts + 1 else refused = refused + 1 end
        state = "cart"
    end
end

function done(summary, latency, requests)
    local total, failed = 0, 0
    for _, thread in ipairs(threads) do
        total = total + thread:get("checkouts")
        failed = failed + thread:get("refused")
    end
    io.write(string.format("checkouts %d refused %d seconds %.2f\n", total, failed, summary.duration / 1e6))
end
