-- wrk's request for `make bench`'s state rows (benchmarks/state_store.py): POSTs that
-- alternate between the two bodies MOCKCAR_BODY and MOCKCAR_BODY_2 (LOCK, UNLOCK), so
-- each request changes the vehicle and a server with --state writes every one.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = {os.getenv("MOCKCAR_BODY"), os.getenv("MOCKCAR_BODY_2")}
local turn = 0

request = function()
  turn = turn + 1
  return wrk.format(nil, nil, nil, bodies[(turn % 2) + 1])
end
