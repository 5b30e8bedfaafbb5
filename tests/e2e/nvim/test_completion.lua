-- Neovim 0.11 end-to-end test of the completion route (run in tmux by test_neovim.py):
--   nvim --clean -u tests/e2e/nvim/test_completion.lua
-- Environment: GW_INIT_LUA (editors/nvim/completion-0.11.lua), GW_SERVER_CMD (JSON array),
-- GW_FILE, GW_RESULT, GW_TIMEOUT_MS. Types `return ` in insert mode (the space is a trigger
-- character), waits for ghostwise's item in the completion menu, confirms it and checks the line.

local h = dofile(vim.fs.joinpath(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)), 'harness.lua'))
local result, step, sleep, wait_for = h.result, h.step, h.sleep, h.wait_for

local function ghostwise_item()
  if vim.fn.pumvisible() ~= 1 then return nil end
  for i, item in ipairs(vim.fn.complete_info({ 'items' }).items) do
    if (item.abbr or item.word or ''):find('✦', 1, true) then return { index = i, item = item } end
  end
end

local function main()
  local buf = h.open_and_wait_for_model()
  h.type_at_end(buf, 'return ')
  local found = wait_for('ghostwise in the completion menu', function() return ghostwise_item() end, 60000)
  result.item = found.item
  h.capture('nvim-0.11-completion.txt')
  step('menu item: ' .. (found.item.abbr or found.item.word))

  -- Select it and confirm.
  local keys = string.rep('<C-n>', found.index) .. '<C-y>'
  vim.api.nvim_input(keys)
  local row = vim.api.nvim_win_get_cursor(0)[1]
  wait_for('the item to be applied', function()
    local line = vim.api.nvim_buf_get_lines(buf, row - 1, row, false)[1]
    return vim.fn.pumvisible() == 0 and #line > #'    return ' and line
  end, 5000)
  sleep(300)
  result.line_after = vim.api.nvim_buf_get_lines(buf, row - 1, row, false)[1]
  result.buffer = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  step('accepted: ' .. result.line_after)
  vim.api.nvim_input('<Esc>')
  sleep(200)
  result.ok = true
end

h.run(main)
