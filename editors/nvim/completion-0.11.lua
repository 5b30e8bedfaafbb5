-- ghostwise in Neovim 0.11 (no inline completion yet): suggestions as LSP completion items in the
-- built-in completion menu. For 0.12+ use init.lua (ghost text) instead.
-- Needs `ghostwise` on PATH (`pip install ghostwise`), or change `cmd` below.

vim.lsp.config('ghostwise', {
  cmd = { 'ghostwise', '--stdio' },
  filetypes = { 'python' },
  root_markers = { 'pyproject.toml', 'setup.py', 'setup.cfg', 'requirements.txt', '.git' },
  -- "auto" already answers textDocument/completion for a client without inline completion;
  -- one-line suggestions suit a completion menu.
  init_options = { completionFallback = 'always', maxLines = 1 },
})
vim.lsp.enable('ghostwise')

vim.o.completeopt = 'menuone,noselect,popup'

vim.api.nvim_create_autocmd('LspAttach', {
  callback = function(args)
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if client and client.name == 'ghostwise' then
      -- autotrigger on the server's trigger characters ('.', '(', ' '); <C-x><C-o> asks any time.
      -- The item is a snippet replacing the line up to the cursor: Neovim inserts it whole.
      vim.lsp.completion.enable(true, client.id, args.buf, { autotrigger = true })
    end
  end,
})
