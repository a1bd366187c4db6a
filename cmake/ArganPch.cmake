# argan_precompile_headers(<target> <header>...): precompiles the heavy third-party headers
# (RDKit, Poco, Boost.Test) that most files of <target> include anyway, when ARGAN_PCH is ON.
# Parsing them once per target instead of once per file roughly halves a cold build on two
# cores. Only third-party and standard headers go here, never ours: a file must still compile
# with ARGAN_PCH=OFF (scripts/build turns it off under ccache, which does not cache PCH builds
# without extra sloppiness settings), so a missing #include cannot hide behind the PCH.
function(argan_precompile_headers target)
  if(ARGAN_PCH)
    target_precompile_headers(${target} PRIVATE ${ARGN})
  endif()
endfunction()
