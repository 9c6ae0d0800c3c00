# vitrum_set_warnings(target): the project's warning set; errors when VITRUM_WERROR is on (CI).
function(vitrum_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wno-sign-conversion)
  if(VITRUM_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
