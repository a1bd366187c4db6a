// Text that leaves Argan (error messages, JSON) must be valid UTF-8 whatever it quotes.
#pragma once

#include <string>
#include <string_view>

namespace argan {

// `text` with every byte that is not part of a well-formed UTF-8 sequence (stray
// continuation bytes, truncated or overlong sequences, surrogates, code points above
// U+10FFFF) replaced by U+FFFD, and NUL and other C0 control characters except tab and
// line feed replaced by U+FFFD too. Valid text comes back unchanged. Linear; any thread.
std::string toValidUtf8(std::string_view text);

// True when toValidUtf8(text) == text.
bool isValidUtf8(std::string_view text);

}  // namespace argan
