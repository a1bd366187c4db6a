// The headers every answer carries (API, static files, errors, the connection gate's own
// refusals): docs/threat-model.md, "The browser".
//
//   Content-Security-Policy  scripts, styles, images, fonts and connections from Argan itself
//                            only (the front end, Ketcher and its WebAssembly are all served
//                            by Argan); 'wasm-unsafe-eval' lets Ketcher compile its
//                            WebAssembly, blob: workers run its chemistry off the page,
//                            'unsafe-inline' styles are the style elements Ketcher's React
//                            components inject (no inline script is allowed); no plugins, no
//                            <base> elsewhere, forms post to Argan only, and no other site may
//                            frame a page (frame-ancestors 'none', X-Frame-Options DENY for
//                            older browsers).
//   X-Content-Type-Options   nosniff: a document served as text/plain is never run as HTML.
//   Referrer-Policy          no-referrer: record codes in URLs never leave in a Referer.
//   Cross-Origin-Opener-Policy same-origin.
// A handler may set a stricter policy on its own answer (document downloads: sandbox).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace argan::server {

inline const std::vector<std::pair<std::string, std::string>>& securityHeaders() {
  static const std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Security-Policy",
       "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; "
       "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
       "connect-src 'self' data: blob:; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'"},
      {"X-Frame-Options", "DENY"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
  };
  return headers;
}

}  // namespace argan::server
