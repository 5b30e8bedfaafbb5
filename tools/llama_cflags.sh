#!/usr/bin/env bash
# The C/C++ flags that llama.cpp is built with here (llama-cpp-python at install, llama-server): on
# x86-64, no AMX. llama.cpp's AMX kernels crash in the first decode of Q4_K weights on some Sapphire
# Rapids machines (ggml-org/llama.cpp#20824, seen here with the default model); without them the
# AVX-512 and repacked-weight kernels run. Prints nothing where the compiler has no such flags.
set -euo pipefail
flags="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
if [ "$(uname -m)" = x86_64 ] && echo 'int main(void){return 0;}' | "${CC:-cc}" $flags -x c -o /dev/null - 2>/dev/null; then
  echo "$flags"
fi
