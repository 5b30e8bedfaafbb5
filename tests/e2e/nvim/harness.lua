-- Shared by the Neovim tests (run in tmux by test_neovim.py): result file, steps, the documented
-- config with the server command replaced (lsp_tap.py records the traffic), ghostwise/status capture,
-- coroutine sleeps, screen captures.
-- Usage: local h = dofile(<this file>); ...; h.run(main)
local h = { result = { ok = false, steps = {} }, status = {} }
local started = vim.uv.hrtime()
local co

function h.elapsed() return (vim.uv.hrtime() - started) / 1e9 end

function h.step(msg) table.insert(h.result.steps, ('%.1fs %s'):format(h.elapsed(), msg)) end

local function finish()
  local f = assert(io.open(os.getenv('GW_RESULT'), 'w'))
  f:write(vim.json.encode(h.result))
  f:close()
  vim.cmd(h.result.ok and 'qa!' or 'cquit! 1')
end

dofile((assert(os.getenv('GW_INIT_LUA'), 'GW_INIT_LUA not set')))
vim.lsp.config('ghostwise', {
  cmd = vim.json.decode((assert(os.getenv('GW_SERVER_CMD'), 'GW_SERVER_CMD not set'))),
  root_markers = { 'main.py' },
  handlers = { ['ghostwise/status'] = function(_, params) table.insert(h.status, params) end },
})

function h.sleep(ms)
  vim.defer_fn(function() assert(coroutine.resume(co)) end, ms)
  coroutine.yield()
end

function h.wait_for(what, fn, timeout_ms)
  local deadline = h.elapsed() + timeout_ms / 1000
  while true do
    local value = fn()
    if value then return value end
    if h.elapsed() > deadline then error(('timed out after %d ms waiting for %s'):format(timeout_ms, what), 0) end
    h.sleep(100)
  end
end

--- Open GW_FILE, wait for the client to attach and initialize and for the model to be ready;
--- return the buffer.
function h.open_and_wait_for_model()
  local timeout_ms = tonumber(os.getenv('GW_TIMEOUT_MS') or '180000')
  vim.cmd.edit(vim.fn.fnameescape((assert(os.getenv('GW_FILE'), 'GW_FILE not set'))))
  local buf = vim.api.nvim_get_current_buf()
  local client = h.wait_for('the ghostwise client to attach', function()
    return vim.lsp.get_clients({ bufnr = buf, name = 'ghostwise' })[1]
  end, 30000)
  h.wait_for('initialize', function() return client.initialized end, 60000)
  h.result.offset_encoding = client.offset_encoding
  h.result.completion_provider = client.server_capabilities.completionProvider ~= nil
  h.result.inline_provider = client.server_capabilities.inlineCompletionProvider ~= nil
  h.step('attached, encoding ' .. client.offset_encoding)
  h.wait_for('the model (ghostwise/status ready)', function()
    local last = h.status[#h.status]
    if last and last.state == 'error' then error('server status error: ' .. last.message, 0) end
    return last and last.state == 'ready'
  end, timeout_ms)
  h.result.status = h.status[#h.status]
  h.step('model ready: ' .. h.result.status.model)
  return buf
end

--- Save the screen as Neovim drew it (tmux capture-pane) to GW_OUT/name.
function h.capture(name)
  vim.cmd.redraw()
  h.sleep(300) -- the terminal UI runs in its own process: let it draw
  local pane = assert(os.getenv('TMUX_PANE'), 'not in tmux')
  local screen = vim.fn.system({ 'tmux', 'capture-pane', '-p', '-t', pane })
  local f = assert(io.open(assert(os.getenv('GW_OUT'), 'GW_OUT not set') .. '/' .. name, 'w'))
  f:write(screen)
  f:close()
end

--- Type ``text`` at the end of the last line, in insert mode, key by key like a user.
function h.type_at_end(buf, text)
  local last = vim.api.nvim_buf_line_count(buf)
  vim.api.nvim_win_set_cursor(0, { last, #vim.api.nvim_buf_get_lines(buf, last - 1, last, false)[1] })
  vim.api.nvim_input('A')
  h.sleep(50)
  h.type(text)
end

--- Type ``text`` (in insert mode) key by key like a user.
function h.type(text)
  for ch in text:gmatch('.') do
    vim.api.nvim_input(ch)
    h.sleep(60)
  end
end

--- Run ``main`` in a coroutine resumed by timers (insert mode and autocommands need the main loop),
--- write the result and quit; a hard stop ends a hung run.
function h.run(main)
  co = coroutine.create(function()
    local ok, err = xpcall(main, debug.traceback)
    if not ok then
      h.result.error = tostring(err)
      h.result.buffer = vim.api.nvim_buf_get_lines(0, 0, -1, false)
      pcall(h.capture, 'failure.txt')
    end
    finish()
  end)
  vim.defer_fn(function()
    h.result.error = 'global timeout'
    finish()
  end, tonumber(os.getenv('GW_TIMEOUT_MS') or '180000') + 120000)
  vim.schedule(function() assert(coroutine.resume(co)) end)
end

return h
