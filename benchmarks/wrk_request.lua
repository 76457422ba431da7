-- wrk's request for `make bench` (benchmarks/side_by_side.py): the method and body from
-- the environment; with MOCKCAR_REFRESH_FILE, every request spends the next refresh
-- token of that file (from line MOCKCAR_REFRESH_OFFSET + 1), as a client rotating its
-- pair would.
wrk.method = os.getenv("MOCKCAR_METHOD") or "GET"
local body = os.getenv("MOCKCAR_BODY")
if body ~= nil and body ~= "" then wrk.body = body end

local file = os.getenv("MOCKCAR_REFRESH_FILE")
local tokens, next_index = nil, tonumber(os.getenv("MOCKCAR_REFRESH_OFFSET") or "0")
if file ~= nil and file ~= "" then
  tokens = {}
  for line in io.lines(file) do tokens[#tokens + 1] = line end
end

request = function()
  if tokens == nil then return wrk.format() end
  next_index = next_index + 1
  local token = tokens[((next_index - 1) % #tokens) + 1]
  return wrk.format(nil, nil, nil, "grant_type=refresh_token&refresh_token=" .. token)
end
