-- Neovim 0.12 end-to-end test of ghostwise's inline completion (run in tmux by test_neovim.py):
--   nvim --clean -u tests/e2e/nvim/test.lua
-- Environment: GW_INIT_LUA (the documented editors/nvim/init.lua), GW_SERVER_CMD (JSON array),
-- GW_FILE (the Python file to edit), GW_RESULT (where the JSON result goes), GW_TIMEOUT_MS.
-- Steps run in a coroutine resumed by timers (insert mode and autocommands need the main loop):
-- open the file, wait for the model, type in insert mode, wait for the ghost-text extmark, accept it
-- with <Tab> (the documented mapping: vim.lsp.inline_completion.get()), check the buffer, accept
-- only the next word of another suggestion (<M-Right>), with trigger = 'manual' ask with <M-\>, then
-- type and leave insert mode while a request is pending (Neovim cancels it).

local h = dofile(vim.fs.joinpath(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)), 'harness.lua'))
local result, step, sleep, wait_for = h.result, h.step, h.sleep, h.wait_for

local ns = vim.api.nvim_create_namespace('nvim.lsp.inline_completion')

--- The ghost text currently shown: first line (virt_text) and further lines (virt_lines).
local function ghost(buf)
  for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, { details = true })) do
    local details = mark[4]
    if details.virt_text then
      local first = {}
      for _, chunk in ipairs(details.virt_text) do table.insert(first, chunk[1]) end
      local more = {}
      for _, line in ipairs(details.virt_lines or {}) do
        local parts = {}
        for _, chunk in ipairs(line) do table.insert(parts, chunk[1]) end
        table.insert(more, table.concat(parts))
      end
      return { row = mark[2], col = mark[3], text = table.concat(first), lines = more }
    end
  end
end

local function main()
  local buf = h.open_and_wait_for_model()
  h.type_at_end(buf, 'return ')
  result.mode_while_typing = vim.api.nvim_get_mode().mode
  local shown = wait_for('the ghost-text extmark', function() return ghost(buf) end, 60000)
  result.ghost = shown
  h.capture('nvim-ghost-text.txt')
  local before = vim.api.nvim_buf_get_lines(buf, shown.row, shown.row + 1, false)[1]
  result.line_before = before
  step(('ghost text %q'):format(shown.text))

  -- Accept with <Tab> (the documented mapping calls vim.lsp.inline_completion.get()).
  vim.api.nvim_input('<Tab>')
  wait_for('the suggestion to be applied', function() return ghost(buf) == nil and vim.api.nvim_buf_get_lines(buf, shown.row, shown.row + 1, false)[1] ~= before end, 5000)
  local lines = vim.api.nvim_buf_get_lines(buf, shown.row, shown.row + 1 + #shown.lines, false)
  result.lines_after = lines
  local expected_first = before:sub(1, shown.col) .. shown.text .. before:sub(shown.col + 1)
  if lines[1] ~= expected_first then
    error(('accepted line %q, expected %q'):format(lines[1], expected_first), 0)
  end
  for i, more in ipairs(shown.lines) do
    if lines[i + 1] ~= more then error(('accepted line %d is %q, expected %q'):format(i + 1, lines[i + 1], more), 0) end
  end
  result.cursor_after = vim.api.nvim_win_get_cursor(0)
  step('accepted: ' .. lines[1])

  -- On a new line, accept only the next word (<M-Right>, the documented mapping).
  vim.api.nvim_input('<CR>')
  sleep(50)
  h.type('count = len(')
  local partial = wait_for('ghost text on the new line', function() return ghost(buf) end, 60000)
  local partial_before = vim.api.nvim_buf_get_lines(buf, partial.row, partial.row + 1, false)[1]
  vim.api.nvim_input('<M-Right>')
  local partial_after = wait_for('the next word to be inserted', function()
    local line = vim.api.nvim_buf_get_lines(buf, partial.row, partial.row + 1, false)[1]
    return line ~= partial_before and line
  end, 5000)
  result.partial = { ghost = partial.text, before = partial_before, after = partial_after }
  step(('accepted a word: %q -> %q'):format(partial_before, partial_after))

  -- trigger = 'manual': typing gets nothing, <M-\> (the documented mapping) asks.
  local client = vim.lsp.get_clients({ bufnr = buf, name = 'ghostwise' })[1]
  local function set_trigger(trigger)
    client:notify('workspace/didChangeConfiguration', { settings = { ghostwise = { trigger = trigger } } })
  end
  set_trigger('manual')
  vim.api.nvim_input('<CR>')
  sleep(50)
  h.type('label = ')
  sleep(400) -- past Neovim's 200 ms debounce: an automatic request is out
  wait_for('the automatic request to be answered', function()
    for _, request in pairs(client.requests) do
      if request.type == 'pending' and request.method == 'textDocument/inlineCompletion' then return false end
    end
    return true
  end, 60000)
  result.manual = { ghost_before_asking = ghost(buf) ~= nil }
  vim.api.nvim_input('<M-\\>')
  result.manual.ghost = wait_for('ghost text after <M-\\>', function() return ghost(buf) end, 60000).text
  step(('asked with <M-\\>: %q'):format(result.manual.ghost))
  set_trigger('automatic')

  -- A request still pending when insert mode is left is cancelled by Neovim ($/cancelRequest).
  vim.api.nvim_input('<CR>')
  sleep(50)
  vim.api.nvim_input('x')
  sleep(260) -- past Neovim's 200 ms debounce: the request is out
  vim.api.nvim_input('<Esc>')
  sleep(1500)
  result.mode_at_end = vim.api.nvim_get_mode().mode
  result.ok = true
end

h.run(main)
