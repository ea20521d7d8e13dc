-- POST /api/v1/admin/stock/adjustments with the body in BODY_FILE (1,000
-- items) and the admin token in TOKEN. Answers other than 200 are counted
-- per thread and summed at the end.
local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
    local file = io.open(os.getenv("BODY_FILE"), "r")
    wrk.body = file:read("*a")
    file:close()
    refused = 0
    last_status = 0
end

function response(status, headers, body)
    if status ~= 200 then
        refused = refused + 1
        last_status = status
    end
end

function done(summary, latency, requests)
    local total, status = 0, 0
    for _, thread in ipairs(threads) do
        total = total + thread:get("refused")
        if thread:get("last_status") ~= 0 then status = thread:get("last_status") end
    end
    io.write(string.format("refused %d (last status %d)\n", total, status))
end
