# Script mode: writes OUT, a C++ file defining SYMBOL as the text of IN.
file(READ ${IN} content HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${content}")
file(WRITE ${OUT}
  "#include <string_view>\n"
  "namespace vitrum::core::embedded {\n"
  "static const char ${SYMBOL}_bytes[] = {${bytes} 0};\n"
  "extern const std::string_view ${SYMBOL};\n"
  "const std::string_view ${SYMBOL}{${SYMBOL}_bytes, sizeof(${SYMBOL}_bytes) - 1};\n"
  "}\n")
