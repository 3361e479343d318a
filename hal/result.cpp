#include "hal/result.hpp"

namespace tg {

const char* errc_name(Errc c) {
  switch (c) {
    case Errc::invalid_argument: return "invalid argument";
    case Errc::parse_error: return "parse error";
    case Errc::not_found: return "not found";
    case Errc::busy: return "busy";
    case Errc::unsupported: return "unsupported";
    case Errc::io_error: return "I/O error";
    case Errc::transport_error: return "transport error";
    case Errc::timeout: return "timeout";
    case Errc::connection_lost: return "connection lost";
    case Errc::position_lost: return "position lost";
    case Errc::check_condition: return "check condition";
    case Errc::not_ready: return "not ready";
    case Errc::unit_attention: return "unit attention";
    case Errc::medium_error: return "medium error";
    case Errc::hardware_error: return "hardware error";
    case Errc::illegal_request: return "illegal request";
    case Errc::data_protect: return "data protect";
    case Errc::blank_check: return "blank check";
    case Errc::volume_overflow: return "volume overflow";
    case Errc::element_full: return "element full";
    case Errc::element_empty: return "element empty";
    case Errc::data_integrity: return "data integrity";
    case Errc::cancelled: return "cancelled";
    case Errc::foreign_medium: return "foreign medium";
    case Errc::internal: return "internal error";
  }
  return "unknown error";
}

}  // namespace tg
