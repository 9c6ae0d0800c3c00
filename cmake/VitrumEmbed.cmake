# vitrum_embed_text(OUT_VAR SYMBOL FILE): generates a C++ source that defines
#   extern const std::string_view SYMBOL  (namespace vitrum::core::embedded)
# holding the bytes of FILE, so data tables ship inside the library and are
# never looked up on disk at run time. The generated file is added to OUT_VAR.
function(vitrum_embed_text out_var symbol file)
  set(generated ${CMAKE_CURRENT_BINARY_DIR}/embedded_${symbol}.cpp)
  add_custom_command(
    OUTPUT ${generated}
    COMMAND ${CMAKE_COMMAND} -DIN=${file} -DOUT=${generated} -DSYMBOL=${symbol}
            -P ${PROJECT_SOURCE_DIR}/cmake/VitrumEmbedScript.cmake
    DEPENDS ${file} ${PROJECT_SOURCE_DIR}/cmake/VitrumEmbedScript.cmake
    COMMENT "Embedding ${file}")
  set(${out_var} ${${out_var}} ${generated} PARENT_SCOPE)
endfunction()
