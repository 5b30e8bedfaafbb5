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
  },
  handlers = {
    -- The server reports its state (loading / ready / error): show the changes.
    ['ghostwise/status'] = function(_, params)
      if params.state == 'error' then
        vim.notify('ghostwise: ' .. params.message, vim.log.levels.ERROR)
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

-- <M-]> / <M-[> cycle through suggestions when the server offers several.
vim.keymap.set('i', '<M-]>', function() vim.lsp.inline_completion.select({ count = 1 }) end, { desc = 'Next inline completion' })
vim.keymap.set('i', '<M-[>', function() vim.lsp.inline_completion.select({ count = -1 }) end, { desc = 'Previous inline completion' })

-- Change a setting on the fly (applies without restart), e.g. :GhostwiseGuided off
vim.api.nvim_create_user_command('GhostwiseGuided', function(opts)
  local enabled = opts.args ~= 'off'
  for _, client in ipairs(vim.lsp.get_clients({ name = 'ghostwise' })) do
    client.settings = vim.tbl_deep_extend('force', client.settings or {}, { ghostwise = { guided = { enabled = enabled } } })
    client:notify('workspace/didChangeConfiguration', { settings = client.settings })
  end
end, { nargs = 1, complete = function() return { 'on', 'off' } end, desc = 'ghostwise: guided decoding on/off' })
