#include "middleware/pipeline/event_info.h"

namespace mw::core {

std::string_view domain_of(proto::EventType type) {
  switch (type) {
    case proto::WORK_ORDER_RELEASED:
    case proto::OPERATION_STARTED:
    case proto::OPERATION_COMPLETED:
    case proto::MATERIAL_CONSUMED:
    case proto::SCRAP_RECORDED:
    case proto::FINISHED_GOODS_REPORTED:
      return "production";
    case proto::ASN_RECEIVED:
    case proto::SUPPLIER_SHIPMENT_DELAYED:
      return "procurement";
    default:
      return "inventory";
  }
}

}  // namespace mw::core
