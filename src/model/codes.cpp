// The code lists of data-format.md, in the spec's order (a code is stored as its position,
// so the order is part of the format: never reorder, only append). Vietnamese labels follow
// the wording of the Law on Children 2016, Decree 56/2017 and provincial reports.
#include "safeguard/model/codes.hpp"

#include <array>
#include <iterator>

namespace safeguard::codes {

namespace {

constexpr code_entry org_unit_kind_entries[] = {
    {"country", "Quốc gia", "Country", ""},
    {"province", "Tỉnh", "Province", ""},
    {"municipality", "Thành phố trực thuộc trung ương", "Centrally governed city", ""},
    {"city", "Thành phố thuộc tỉnh", "Provincial city", ""},
    {"town", "Thị xã", "Town", ""},
    {"district", "Huyện", "Rural district", ""},
    {"urban_district", "Quận", "Urban district", ""},
    {"ward", "Phường", "Ward", ""},
    {"commune", "Xã", "Commune", ""},
    {"township", "Thị trấn", "Township", ""},
    {"special_zone", "Đặc khu", "Special zone", ""},
};

constexpr code_entry sex_entries[] = {
    {"f", "Nữ", "Female", ""},
    {"m", "Nam", "Male", ""},
    {"u", "Không rõ", "Unknown", ""},
};

constexpr code_entry exit_reason_entries[] = {
    {"moved", "Chuyển đi nơi khác", "Moved away", ""},
    {"aged_out", "Hết tuổi trẻ em", "Aged out", ""},
    {"no_longer_eligible", "Không còn thuộc diện theo dõi", "No longer eligible", ""},
    {"died", "Tử vong", "Died", ""},
    {"other", "Khác", "Other", ""},
};

constexpr code_entry circumstance_entries[] = {
    {"orphan", "Trẻ em mồ côi cả cha và mẹ", "Orphaned of both parents", ""},
    {"abandoned", "Trẻ em bị bỏ rơi", "Abandoned", ""},
    {"no_caregiver", "Trẻ em không nơi nương tựa", "Without anyone to rely on", ""},
    {"disability", "Trẻ em khuyết tật", "With a disability", ""},
    {"hiv", "Trẻ em nhiễm HIV/AIDS", "Living with HIV/AIDS", ""},
    {"in_conflict_with_law", "Trẻ em vi phạm pháp luật", "In conflict with the law", ""},
    {"drug_addicted", "Trẻ em nghiện ma túy", "Addicted to drugs", ""},
    {"dropout_to_work",
     "Trẻ em phải bỏ học kiếm sống chưa hoàn thành phổ cập giáo dục trung học cơ sở",
     "Dropped out of school to earn a living", ""},
    {"violence_harmed",
     "Trẻ em bị tổn hại nghiêm trọng về thể chất và tinh thần do bị bạo lực",
     "Seriously harmed by violence", ""},
    {"exploited", "Trẻ em bị bóc lột", "Exploited", ""},
    {"sexually_abused", "Trẻ em bị xâm hại tình dục", "Sexually abused", ""},
    {"trafficked", "Trẻ em bị mua bán", "Trafficked", ""},
    {"serious_illness_poor",
     "Trẻ em mắc bệnh hiểm nghèo hoặc bệnh phải điều trị dài ngày thuộc hộ nghèo, cận nghèo",
     "Seriously ill in a poor or near-poor household", ""},
    {"migrant_unaccompanied",
     "Trẻ em di cư, lánh nạn, tị nạn chưa xác định được cha mẹ hoặc không có người chăm sóc",
     "Migrant or refugee without parents or caregivers", ""},
    {"at_risk", "Trẻ em có nguy cơ rơi vào hoàn cảnh đặc biệt",
     "At risk of falling into special circumstances", ""},
};

constexpr code_entry concern_group_entries[] = {
    {"abuse", "Xâm hại trẻ em", "Abuse", ""},
    {"injury", "Tai nạn, thương tích", "Injury", ""},
    {"risk", "Nguy cơ", "Risk", ""},
    {"other", "Khác", "Other", ""},
};

constexpr code_entry concern_entries[] = {
    {"physical_violence", "Bạo lực thể chất", "Physical violence", "abuse"},
    {"emotional_violence", "Bạo lực tinh thần", "Emotional violence", "abuse"},
    {"sexual_abuse", "Xâm hại tình dục", "Sexual abuse", "abuse"},
    {"exploitation", "Bóc lột", "Exploitation", "abuse"},
    {"child_labour", "Lao động trẻ em trái quy định", "Unlawful child labour", "abuse"},
    {"trafficking", "Mua bán trẻ em", "Trafficking", "abuse"},
    {"abduction", "Bắt cóc, chiếm đoạt trẻ em", "Abduction", "abuse"},
    {"abandonment", "Bỏ rơi", "Abandonment", "abuse"},
    {"neglect", "Bỏ mặc", "Neglect", "abuse"},
    {"child_marriage", "Tảo hôn", "Child marriage", "abuse"},
    {"online_abuse", "Xâm hại trên môi trường mạng", "Online abuse", "abuse"},
    {"drowning", "Đuối nước", "Drowning", "injury"},
    {"road_traffic", "Tai nạn giao thông", "Road traffic injury", "injury"},
    {"fall", "Ngã", "Fall", "injury"},
    {"burn", "Bỏng", "Burn", "injury"},
    {"poisoning", "Ngộ độc", "Poisoning", "injury"},
    {"other_injury", "Tai nạn thương tích khác", "Other injury", "injury"},
    {"drug_use", "Sử dụng ma túy", "Drug use", "risk"},
    {"in_conflict_with_law", "Vi phạm pháp luật", "In conflict with the law", "risk"},
    {"school_dropout", "Bỏ học", "School dropout", "risk"},
    {"mental_health", "Sức khỏe tâm thần", "Mental health", "risk"},
    {"other", "Khác", "Other", "other"},
};

constexpr code_entry source_entries[] = {
    {"hotline_111", "Tổng đài điện thoại quốc gia bảo vệ trẻ em 111",
     "National child protection hotline 111", ""},
    {"commune_peoples_committee", "Ủy ban nhân dân cấp xã", "Commune People's Committee", ""},
    {"police", "Công an", "Police", ""},
    {"social_affairs", "Cơ quan lao động – thương binh và xã hội", "Social affairs office", ""},
    {"school", "Nhà trường", "School", ""},
    {"health_facility", "Cơ sở y tế", "Health facility", ""},
    {"community", "Cộng đồng", "Community", ""},
    {"family", "Gia đình", "Family", ""},
    {"self", "Trẻ em tự báo tin", "The child", ""},
    {"media", "Báo chí, truyền thông", "Media", ""},
    {"online", "Môi trường mạng", "Online", ""},
    {"other", "Khác", "Other", ""},
};

constexpr code_entry setting_entries[] = {
    {"family", "Gia đình", "Family", ""},
    {"school", "Trường học", "School", ""},
    {"community", "Cộng đồng, nơi công cộng", "Community or public place", ""},
    {"workplace", "Nơi làm việc", "Workplace", ""},
    {"online", "Môi trường mạng", "Online", ""},
    {"care_facility", "Cơ sở trợ giúp xã hội, cơ sở nuôi dưỡng", "Care facility", ""},
    {"other", "Khác", "Other", ""},
};

constexpr code_entry perpetrator_entries[] = {
    {"parent", "Cha, mẹ", "Parent", ""},
    {"step_parent", "Cha dượng, mẹ kế", "Step-parent", ""},
    {"relative", "Người thân trong gia đình", "Relative", ""},
    {"caregiver", "Người chăm sóc trẻ em", "Caregiver", ""},
    {"teacher_staff", "Giáo viên, nhân viên nhà trường", "Teacher or school staff", ""},
    {"acquaintance", "Người quen, hàng xóm", "Acquaintance or neighbour", ""},
    {"partner", "Bạn trai, bạn gái", "Boyfriend or girlfriend", ""},
    {"other_child", "Trẻ em khác", "Another child", ""},
    {"stranger", "Người lạ", "Stranger", ""},
    {"unknown", "Không rõ", "Unknown", ""},
};

constexpr code_entry protection_level_entries[] = {
    {"prevention", "Cấp độ phòng ngừa", "Prevention", ""},
    {"support", "Cấp độ hỗ trợ", "Support", ""},
    {"intervention", "Cấp độ can thiệp", "Intervention", ""},
};

constexpr code_entry risk_entries[] = {
    {"low", "Thấp", "Low", ""},
    {"medium", "Trung bình", "Medium", ""},
    {"high", "Cao", "High", ""},
};

constexpr code_entry outcome_entries[] = {
    {"recovered", "Bình phục", "Recovered", ""},
    {"injured", "Bị thương", "Injured", ""},
    {"disabled", "Bị khuyết tật", "Disabled", ""},
    {"died", "Tử vong", "Died", ""},
};

constexpr code_entry closure_reason_entries[] = {
    {"goals_met", "Đạt mục tiêu kế hoạch hỗ trợ, can thiệp", "Goals met", ""},
    {"transferred", "Chuyển cơ quan khác xử lý", "Transferred", ""},
    {"moved", "Chuyển nơi cư trú", "Moved away", ""},
    {"aged_out", "Hết tuổi trẻ em", "Aged out", ""},
    {"died", "Tử vong", "Died", ""},
    {"lost_contact", "Mất liên lạc", "Lost contact", ""},
    {"refused", "Từ chối hỗ trợ", "Support refused", ""},
    {"duplicate", "Trùng lặp", "Duplicate", ""},
    {"other", "Khác", "Other", ""},
};

constexpr code_entry service_entries[] = {
    {"health_care", "Chăm sóc y tế", "Health care", ""},
    {"psychosocial", "Hỗ trợ tâm lý – xã hội", "Psychosocial support", ""},
    {"legal_aid", "Tư vấn pháp luật, trợ giúp pháp lý", "Legal aid", ""},
    {"education_support", "Hỗ trợ giáo dục", "Education support", ""},
    {"alternative_care", "Chăm sóc thay thế", "Alternative care", ""},
    {"family_reunification", "Đoàn tụ gia đình", "Family reunification", ""},
    {"cash_support", "Hỗ trợ tiền, hiện vật", "Cash or in-kind support", ""},
    {"shelter", "Bố trí nơi tạm trú an toàn", "Safe shelter", ""},
    {"vocational_training", "Đào tạo nghề", "Vocational training", ""},
    {"other", "Khác", "Other", ""},
};

constexpr code_entry agency_kind_entries[] = {
    {"labour_social_affairs", "Lao động – Thương binh và Xã hội",
     "Labour, invalids and social affairs", ""},
    {"health", "Y tế", "Health", ""},
    {"education", "Giáo dục và Đào tạo", "Education and training", ""},
    {"culture_sports", "Văn hóa và Thể thao", "Culture and sports", ""},
    {"police", "Công an", "Police", ""},
    {"justice", "Tư pháp", "Justice", ""},
    {"information_communication", "Thông tin và Truyền thông", "Information and communications",
     ""},
    {"home_affairs", "Nội vụ", "Home affairs", ""},
    {"womens_union", "Hội Liên hiệp Phụ nữ", "Women's Union", ""},
    {"youth_union", "Đoàn Thanh niên Cộng sản Hồ Chí Minh", "Ho Chi Minh Communist Youth Union",
     ""},
    {"peoples_committee", "Ủy ban nhân dân", "People's Committee", ""},
    {"committee", "Ban Vì sự tiến bộ của phụ nữ và bảo vệ, chăm sóc trẻ em",
     "Committee for the Advancement of Women and Child Protection", ""},
    {"court", "Tòa án nhân dân", "People's Court", ""},
    {"procuracy", "Viện kiểm sát nhân dân", "People's Procuracy", ""},
    {"hotline", "Tổng đài điện thoại quốc gia bảo vệ trẻ em", "Child protection hotline", ""},
    {"ngo", "Tổ chức phi chính phủ", "Non-governmental organisation", ""},
    {"other", "Khác", "Other", ""},
};

constexpr code_entry activity_kind_entries[] = {
    {"directive", "Văn bản chỉ đạo, hướng dẫn", "Directive or guidance document", ""},
    {"plan", "Kế hoạch", "Plan document", ""},
    {"training", "Tập huấn", "Training", ""},
    {"communication", "Truyền thông", "Communication session or event", ""},
    {"performance", "Truyền thông sân khấu hóa", "Staged communication", ""},
    {"media_item", "Tin, bài trên báo chí, phát thanh, truyền hình", "News item or broadcast",
     ""},
    {"media_report", "Phóng sự", "Reportage", ""},
    {"conference", "Hội nghị, hội thảo", "Conference", ""},
    {"forum", "Diễn đàn, đối thoại với trẻ em", "Children's forum or dialogue", ""},
    {"inspection", "Kiểm tra, giám sát", "Inspection", ""},
    {"support", "Hỗ trợ, tặng quà, học bổng cho trẻ em", "Support to children", ""},
    {"facility", "Xây dựng, sửa chữa công trình cho trẻ em", "Facility built or repaired", ""},
};

constexpr code_entry topic_entries[] = {
    {"rights", "Quyền trẻ em", "Children's rights", ""},
    {"abuse_prevention", "Phòng, chống xâm hại trẻ em", "Abuse prevention", ""},
    {"sexual_abuse_prevention", "Phòng, chống xâm hại tình dục trẻ em",
     "Sexual abuse prevention", ""},
    {"injury_prevention", "Phòng, chống tai nạn thương tích", "Injury prevention", ""},
    {"drowning_prevention", "Phòng, chống đuối nước", "Drowning prevention", ""},
    {"road_safety", "An toàn giao thông", "Road safety", ""},
    {"first_aid", "Sơ cấp cứu", "First aid", ""},
    {"school_safety", "An toàn trường học", "School safety", ""},
    {"drug_prevention", "Phòng, chống ma túy", "Drug prevention", ""},
    {"tobacco_prevention", "Phòng, chống tác hại của thuốc lá, thuốc lá điện tử",
     "Tobacco and e-cigarette prevention", ""},
    {"child_labour", "Phòng ngừa, giảm thiểu lao động trẻ em", "Child labour prevention", ""},
    {"trafficking", "Phòng, chống mua bán người", "Trafficking prevention", ""},
    {"online_safety", "An toàn trên môi trường mạng", "Online safety", ""},
    {"nutrition", "Dinh dưỡng", "Nutrition", ""},
    {"gender_equality", "Bình đẳng giới", "Gender equality", ""},
    {"child_marriage", "Phòng, chống tảo hôn", "Child marriage prevention", ""},
    {"participation", "Quyền tham gia của trẻ em", "Children's participation", ""},
    {"mental_health", "Sức khỏe tâm thần", "Mental health", ""},
    {"summer_activities", "Hoạt động hè", "Summer activities", ""},
    {"care_support", "Chăm sóc, hỗ trợ trẻ em", "Care and support", ""},
};

constexpr code_entry audience_entries[] = {
    {"children", "Trẻ em", "Children", ""},
    {"parents", "Cha mẹ, người chăm sóc trẻ em", "Parents and caregivers", ""},
    {"teachers", "Giáo viên", "Teachers", ""},
    {"officials", "Cán bộ, công chức", "Officials", ""},
    {"union_members", "Đoàn viên, hội viên", "Union members", ""},
    {"community", "Cộng đồng", "Community", ""},
};

constexpr code_entry direction_entries[] = {
    {"at_least", "Đạt tối thiểu", "At least", ""},
    {"at_most", "Giảm xuống tối đa", "At most", ""},
};

template <std::size_t N>
constexpr code_list make(std::string_view name, const code_entry (&entries)[N]) {
  return code_list(name, entries, N);
}

constexpr code_list org_unit_kind_list = make("org_unit_kind", org_unit_kind_entries);
constexpr code_list sex_list = make("sex", sex_entries);
constexpr code_list exit_reason_list = make("exit_reason", exit_reason_entries);
constexpr code_list circumstance_list = make("circumstance", circumstance_entries);
constexpr code_list concern_list = make("concern", concern_entries);
constexpr code_list concern_group_list = make("concern_group", concern_group_entries);
constexpr code_list source_list = make("source", source_entries);
constexpr code_list setting_list = make("setting", setting_entries);
constexpr code_list perpetrator_list = make("perpetrator", perpetrator_entries);
constexpr code_list protection_level_list = make("protection_level", protection_level_entries);
constexpr code_list risk_list = make("risk", risk_entries);
constexpr code_list outcome_list = make("outcome", outcome_entries);
constexpr code_list closure_reason_list = make("closure_reason", closure_reason_entries);
constexpr code_list service_list = make("service", service_entries);
constexpr code_list agency_kind_list = make("agency_kind", agency_kind_entries);
constexpr code_list activity_kind_list = make("activity_kind", activity_kind_entries);
constexpr code_list topic_list = make("topic", topic_entries);
constexpr code_list audience_list = make("audience", audience_entries);
constexpr code_list direction_list = make("direction", direction_entries);

static_assert(std::size(concern_entries) <= 32 && std::size(topic_entries) <= 32 &&
                  std::size(audience_entries) <= 32,
              "multi-valued lists must fit a code_set");

constexpr code find_group(std::string_view name) {
  for (std::size_t i = 0; i < std::size(concern_group_entries); ++i)
    if (concern_group_entries[i].code == name) return static_cast<code>(i);
  return no_code;
}

// Computed at compile time so that a concern whose group is misspelt fails the build.
constexpr auto concern_groups = [] {
  std::array<code, std::size(concern_entries)> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = find_group(concern_entries[i].group);
  return out;
}();

constexpr bool all_groups_known() {
  for (code g : concern_groups)
    if (g == no_code) return false;
  return true;
}
static_assert(all_groups_known(), "every concern names a group of concern_group");

constexpr const code_list* all_lists[] = {
    &org_unit_kind_list, &sex_list,        &exit_reason_list,      &circumstance_list,
    &concern_list,       &concern_group_list, &source_list,        &setting_list,
    &perpetrator_list,   &protection_level_list, &risk_list,       &outcome_list,
    &closure_reason_list, &service_list,   &agency_kind_list,      &activity_kind_list,
    &topic_list,         &audience_list,   &direction_list,
};

}  // namespace

const code_list& org_unit_kind() { return org_unit_kind_list; }
const code_list& sex() { return sex_list; }
const code_list& exit_reason() { return exit_reason_list; }
const code_list& circumstance() { return circumstance_list; }
const code_list& concern() { return concern_list; }
const code_list& concern_group() { return concern_group_list; }
const code_list& source() { return source_list; }
const code_list& setting() { return setting_list; }
const code_list& perpetrator() { return perpetrator_list; }
const code_list& protection_level() { return protection_level_list; }
const code_list& risk() { return risk_list; }
const code_list& outcome() { return outcome_list; }
const code_list& closure_reason() { return closure_reason_list; }
const code_list& service() { return service_list; }
const code_list& agency_kind() { return agency_kind_list; }
const code_list& activity_kind() { return activity_kind_list; }
const code_list& topic() { return topic_list; }
const code_list& audience() { return audience_list; }
const code_list& direction() { return direction_list; }

code group_of_concern(code concern) noexcept {
  return concern < concern_groups.size() ? concern_groups[concern] : no_code;
}

code_set groups_of_concerns(code_set concerns) noexcept {
  code_set groups = 0;
  for (std::size_t i = 0; i < concern_groups.size(); ++i)
    if (concerns & (code_set{1} << i)) groups |= code_set{1} << concern_groups[i];
  return groups;
}

const code_list* const* all(std::size_t& count) noexcept {
  count = std::size(all_lists);
  return all_lists;
}

}  // namespace safeguard::codes
