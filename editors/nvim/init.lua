-- ghostwise in Neovim 0.12+: ghost text through the built-in LSP inline completion.
-- Put this in your init.lua (or source it: `:luafile path/to/init.lua`).
-- Needs `ghostwise` on PATH (`pip install ghostwise`), or change `cmd` below.

vim.lsp.config('ghostwise', {
  cmd = { 'ghostwise', '--stdio' },
  filetypes = { 'python' },
  root_markers = { 'pyproject.toml', 'setup.py', 'setup.cfg', 'requirements.txt', '.git' },
  -- Same keys as the VS Code settings without the `ghostwise.` prefix (see docs/editors.md).
  -- Leave out what you do not change; the server has the defaults.
  init_options = {
    model = 'default', -- or '/path/to/model.gguf' or 'hf:OWNER/REPO/FILE.gguf'
    maxMs = 1500,
    guided = { enabled = true },
    -- trigger = 'manual',        -- suggest only when asked with <M-\> (below)
    -- languages = { '!markdown' }, files = { '!**/tests/**' }, minChars = 3, snoozeMinutes = 30,
  },
  handlers = {
    -- The server reports its state (loading / ready / error, and a snooze): show the changes.
    ['ghostwise/status'] = function(_, params)
      if params.state == 'error' then
        vim.notify('ghostwise: ' .. params.message, vim.log.levels.ERROR)
      elseif params.state == 'ready' and params.snoozedUntil ~= vim.NIL and params.snoozedUntil then
        vim.notify('ghostwise: snoozed until ' .. params.snoozedUntil .. ' (UTC)', vim.log.levels.INFO)
      elseif params.state == 'ready' then
        vim.notify(('ghostwise: %s ready%s'):format(params.model, params.guided and ' (guided)' or ''), vim.log.levels.INFO)
      end
    end,
  },
})
vim.lsp.enable('ghostwise')

-- Ghost text while typing in insert mode, for every server that offers it.
vim.lsp.inline_completion.enable()

-- <Tab> accepts the suggestion (and tells the server it was accepted); otherwise it is a <Tab>.
vim.keymap.set('i', '<Tab>', function()
  if not vim.lsp.inline_completion.get() then
    return '<Tab>'
  end
end, { expr = true, desc = 'Accept the inline completion' })

-- <M-Right> accepts the next word of the suggestion, <M-C-Right> the rest of its line (VS Code's
-- Ctrl+Right and accept-next-line), and tells the server how much is in (its stats count a partial
-- accept). Neovim then asks again from the new cursor position.
local function accept_part(next_part)
  return vim.lsp.inline_completion.get({
    on_accept = function(item)
      local text = type(item.insert_text) == 'string' and item.insert_text or tostring(item.insert_text.value)
      local row, col = unpack(vim.api.nvim_win_get_cursor(0))
      local start_row, start_col = row - 1, col
      if item.range then start_row, start_col = item.range:to_extmark() end
      local typed = (start_row == row - 1 and col > start_col) and col - start_col or 0
      local part = next_part(text:sub(typed + 1))
      if typed + #part >= #text then return item end -- the rest: a whole accept (runs ghostwise.accept)
      local lines = vim.split(part, '\n')
      vim.api.nvim_buf_set_text(0, row - 1, col, row - 1, col, lines)
      vim.api.nvim_win_set_cursor(0, { row + #lines - 1, (#lines == 1 and col or 0) + #lines[#lines] })
      local client = vim.lsp.get_client_by_id(item.client_id)
      if client and item.command then
        client:notify('textDocument/didPartiallyAcceptCompletion', {
          item = { insertText = text, command = item.command },
          acceptedLength = vim.fn.strchars(text:sub(1, typed + #part)),
        })
      end
    end,
  })
end
local function next_word(rest) return rest:match('^%s*[%w_]+') or rest:match('^%s*[^%w_%s]+') or rest end
local function next_line(rest) return rest:match('^\n[^\n]*') or rest:match('^[^\n]+') or rest end
vim.keymap.set('i', '<M-Right>', function()
  if not accept_part(next_word) then return '<M-Right>' end
end, { expr = true, desc = 'Accept the next word of the inline completion' })
vim.keymap.set('i', '<M-C-Right>', function()
  if not accept_part(next_line) then return '<M-C-Right>' end
end, { expr = true, desc = 'Accept the next line of the inline completion' })

-- <M-\> asks for a suggestion now: with trigger = 'manual' the only way to get one. Neovim 0.12 has no
-- public call for an explicit (triggerKind Invoked) request; this uses its inline-completion state.
vim.keymap.set('i', '<M-\\>', function()
  local completor = require('vim.lsp._capability').all.inline_completion.active[vim.api.nvim_get_current_buf()]
  if completor then completor:request(vim.lsp.protocol.InlineCompletionTriggerKind.Invoked) end
end, { desc = 'Ask for an inline completion' })

-- A suggestion running past thinkingAfterMs: the server reports $/progress "thinking" until it ends.
vim.api.nvim_create_autocmd('LspProgress', {
  callback = function(ev)
    local value = ev.data.params.value
    if type(value) == 'table' and value.title == 'thinking' then
      vim.api.nvim_echo({ { value.kind == 'end' and '' or 'ghostwise: thinking…' } }, false, {})
    end
  end,
})

-- <M-]> / <M-[> cycle through suggestions when the server offers several.
vim.keymap.set('i', '<M-]>', function() vim.lsp.inline_completion.select({ count = 1 }) end, { desc = 'Next inline completion' })
vim.keymap.set('i', '<M-[>', function() vim.lsp.inline_completion.select({ count = -1 }) end, { desc = 'Previous inline completion' })

-- :GhostwiseSnooze [minutes] (default: the snoozeMinutes setting) and :GhostwiseResume.
vim.api.nvim_create_user_command('GhostwiseSnooze', function(opts)
  for _, client in ipairs(vim.lsp.get_clients({ name = 'ghostwise' })) do
    client:exec_cmd({ title = 'snooze', command = 'ghostwise.snooze', arguments = { tonumber(opts.args) } })
  end
end, { nargs = '?', desc = 'ghostwise: no automatic suggestions for a while' })
vim.api.nvim_create_user_command('GhostwiseResume', function()
  for _, client in ipairs(vim.lsp.get_clients({ name = 'ghostwise' })) do
    client:exec_cmd({ title = 'resume', command = 'ghostwise.resume' })
  end
end, { desc = 'ghostwise: end a snooze' })

-- Change a setting on the fly (applies without restart), e.g. :GhostwiseGuided off
vim.api.nvim_create_user_command('GhostwiseGuided', function(opts)
  local enabled = opts.args ~= 'off'
  for _, client in ipairs(vim.lsp.get_clients({ name = 'ghostwise' })) do
    client.settings = vim.tbl_deep_extend('force', client.settings or {}, { ghostwise = { guided = { enabled = enabled } } })
    client:notify('workspace/didChangeConfiguration', { settings = client.settings })
  end
end, { nargs = 1, complete = function() return { 'on', 'off' } end, desc = 'ghostwise: guided decoding on/off' })
