#pragma once
// Builds READ ELEMENT STATUS replies byte by byte for tests (SMC-3 6.10):
// 8-byte header, then per element type an 8-byte page header and
// fixed-length descriptors.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace tg::test {

struct ElementDesc {
  std::uint16_t address = 0;
  std::uint8_t flags = 0;
  std::uint8_t asc_ = 0, ascq_ = 0;
  std::string primary, alternate;
  std::optional<std::uint16_t> src;
  std::vector<std::uint8_t> id;
  std::uint8_t id_code_set = 2, id_type = 1;

  ElementDesc& tag(const std::string& t) { primary = t; return *this; }
  ElementDesc& alt_tag(const std::string& t) { alternate = t; return *this; }
  ElementDesc& source(std::uint16_t s) { src = s; return *this; }
  ElementDesc& asc(std::uint8_t a, std::uint8_t q) { asc_ = a; ascq_ = q; return *this; }
  // T10 vendor id designator: vendor (8), product (16), serial.
  ElementDesc& t10_id(const std::string& vendor, const std::string& product, const std::string& serial) {
    std::string v = vendor, p = product;
    v.resize(8, ' ');
    p.resize(16, ' ');
    std::string all = v + p + serial;
    id.assign(all.begin(), all.end());
    return *this;
  }
};

struct ElementPage {
  std::uint8_t type = 2;
  bool pvoltag = false, avoltag = false;
  std::size_t id_length = 0;  // room for an identifier (DVCID): 4-byte header + id_length
  std::vector<ElementDesc> descs;

  ElementDesc& add(std::uint16_t address, bool full, std::uint8_t flags = 0x08) {
    descs.push_back(ElementDesc{.address = address, .flags = static_cast<std::uint8_t>(flags | (full ? 1 : 0))});
    return descs.back();
  }
  std::size_t descriptor_length() const {
    return 12 + (pvoltag ? 36 : 0) + (avoltag ? 36 : 0) + (id_length ? 4 + id_length : 0);
  }
};

inline void put16(std::vector<std::uint8_t>& b, std::size_t off, std::uint16_t v) {
  b[off] = static_cast<std::uint8_t>(v >> 8);
  b[off + 1] = static_cast<std::uint8_t>(v);
}
inline void put24(std::vector<std::uint8_t>& b, std::size_t off, std::uint32_t v) {
  b[off] = static_cast<std::uint8_t>(v >> 16);
  b[off + 1] = static_cast<std::uint8_t>(v >> 8);
  b[off + 2] = static_cast<std::uint8_t>(v);
}

inline std::vector<std::uint8_t> element_status_page(const ElementPage& p) {
  const std::size_t dlen = p.descriptor_length();
  std::vector<std::uint8_t> b(8 + dlen * p.descs.size(), 0);
  b[0] = p.type;
  b[1] = static_cast<std::uint8_t>((p.pvoltag ? 0x80 : 0) | (p.avoltag ? 0x40 : 0));
  put16(b, 2, static_cast<std::uint16_t>(dlen));
  put24(b, 5, static_cast<std::uint32_t>(dlen * p.descs.size()));
  std::size_t off = 8;
  for (const auto& d : p.descs) {
    put16(b, off, d.address);
    b[off + 2] = d.flags;
    b[off + 4] = d.asc_;
    b[off + 5] = d.ascq_;
    if (d.src) {
      b[off + 9] = 0x80;
      put16(b, off + 10, *d.src);
    }
    std::size_t o = off + 12;
    auto tag = [&](const std::string& t) {
      std::fill_n(b.begin() + static_cast<std::ptrdiff_t>(o), 32, ' ');
      std::copy_n(t.begin(), std::min<std::size_t>(t.size(), 32), b.begin() + static_cast<std::ptrdiff_t>(o));
      o += 36;
    };
    if (p.pvoltag) tag(d.primary);
    if (p.avoltag) tag(d.alternate);
    if (p.id_length && !d.id.empty()) {
      b[o] = d.id_code_set;
      b[o + 1] = d.id_type;
      const std::size_t n = std::min(d.id.size(), p.id_length);
      b[o + 3] = static_cast<std::uint8_t>(n);
      std::copy_n(d.id.begin(), n, b.begin() + static_cast<std::ptrdiff_t>(o + 4));
    }
    off += dlen;
  }
  return b;
}

inline std::vector<std::uint8_t> element_status_reply(const std::vector<ElementPage>& pages) {
  std::vector<std::uint8_t> body;
  std::size_t count = 0;
  std::uint16_t first = 0xFFFF;
  for (const auto& p : pages) {
    auto b = element_status_page(p);
    body.insert(body.end(), b.begin(), b.end());
    count += p.descs.size();
    for (const auto& d : p.descs) first = std::min(first, d.address);
  }
  std::vector<std::uint8_t> r(8, 0);
  put16(r, 0, count ? first : 0);
  put16(r, 2, static_cast<std::uint16_t>(count));
  put24(r, 5, static_cast<std::uint32_t>(body.size()));
  r.insert(r.end(), body.begin(), body.end());
  return r;
}

}  // namespace tg::test
