#pragma once
/// \file
/// File checksums for provenance: which potential file made a model, which inputs a dataset
/// holds. SHA-256 (FIPS 180-4) through OpenSSL's EVP interface.

#include <filesystem>
#include <string>
#include <string_view>

namespace vitrum::core {

/// SHA-256 of a file's bytes as 64 lowercase hex digits. IoError naming the file if it cannot
/// be read.
std::string sha256_file_hex(const std::filesystem::path& path);

/// SHA-256 of a byte string as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

}  // namespace vitrum::core
