from django.urls import path

from lotse.cases.views import cases, handovers, merge, persons, plan, records, team, worklist

app_name = "cases"

urlpatterns = [
    path("work/", worklist.worklist, name="worklist"),
    path("work/follow-ups/", worklist.follow_up_list, name="follow_up_list"),
    path("cases/", cases.case_list, name="case_list"),
    path("cases/new/", cases.case_create, name="case_create"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", cases.case_edit, name="case_edit"),
    path("cases/<int:pk>/status/", cases.case_status, name="case_status"),
    path("cases/<int:pk>/history/", cases.case_history, name="case_history"),
    path("cases/<int:pk>/members/new/", persons.member_add, name="member_add"),
    path("cases/<int:pk>/persons/<int:person_pk>/", persons.person_detail, name="person_detail"),
    path("persons/<int:pk>/merge/", merge.person_merge, name="person_merge"),
    path("cases/<int:pk>/persons/<int:person_pk>/client/", persons.client_toggle, name="client_toggle"),
    path("cases/<int:pk>/persons/<int:person_pk>/move-out/", persons.person_move_out, name="person_move_out"),
    path("cases/<int:pk>/persons/<int:person_pk>/facts/<slug:kind>/new/", persons.fact_add, name="fact_add"),
    path(
        "cases/<int:pk>/persons/<int:person_pk>/facts/<slug:kind>/<int:record_pk>/edit/",
        persons.fact_edit,
        name="fact_edit",
    ),
    path(
        "cases/<int:pk>/persons/<int:person_pk>/facts/<slug:kind>/<int:record_pk>/delete/",
        persons.fact_delete,
        name="fact_delete",
    ),
    path("cases/<int:pk>/contacts/new/", records.contact_add, name="contact_add"),
    path("cases/<int:pk>/contacts/<int:contact_pk>/edit/", records.contact_edit, name="contact_edit"),
    path("cases/<int:pk>/contacts/<int:contact_pk>/delete/", records.contact_delete, name="contact_delete"),
    path("cases/<int:pk>/follow-ups/<int:follow_up_pk>/done/", records.follow_up_done, name="follow_up_done"),
    path("cases/<int:pk>/follow-ups/<int:follow_up_pk>/edit/", records.follow_up_edit, name="follow_up_edit"),
    path(
        "cases/<int:pk>/follow-ups/<int:follow_up_pk>/postpone/", records.follow_up_postpone, name="follow_up_postpone"
    ),
    path("cases/<int:pk>/follow-ups/<int:follow_up_pk>/pass-on/", records.follow_up_assign, name="follow_up_assign"),
    path("cases/<int:pk>/referrals/new/", records.referral_add, name="referral_add"),
    path("cases/<int:pk>/referrals/<int:referral_pk>/", records.referral_outcome, name="referral_outcome"),
    path("cases/<int:pk>/consents/new/", records.consent_add, name="consent_add"),
    path("cases/<int:pk>/consents/<int:consent_pk>/withdraw/", records.consent_withdraw, name="consent_withdraw"),
    path("cases/<int:pk>/plan/", plan.plan_detail, name="plan_detail"),
    path("cases/<int:pk>/plan/new/", plan.plan_new, name="plan_new"),
    path("cases/<int:pk>/plan/edit/", plan.plan_edit, name="plan_edit"),
    path("cases/<int:pk>/plan/<int:number>/pdf/", plan.plan_pdf, name="plan_pdf"),
    path("cases/<int:pk>/plan/<int:number>/print/", plan.plan_print, name="plan_print"),
    path("cases/<int:pk>/plan/<int:number>/continue/", plan.plan_continue, name="plan_continue"),
    path("cases/<int:pk>/plan/goals/new/", plan.goal_add, name="goal_add"),
    path("cases/<int:pk>/plan/goals/<int:goal_pk>/", plan.goal_edit, name="goal_edit"),
    path("cases/<int:pk>/plan/goals/<int:goal_pk>/steps/new/", plan.step_add, name="step_add"),
    path("cases/<int:pk>/plan/steps/<int:step_pk>/done/", plan.step_done, name="step_done"),
    path("cases/<int:pk>/handover/", handovers.handover_request, name="handover_request"),
    path("handovers/", handovers.handover_list, name="handover_list"),
    path("handovers/<int:pk>/", handovers.handover_detail, name="handover_detail"),
    path("handovers/<int:pk>/withdraw/", handovers.handover_withdraw, name="handover_withdraw"),
    path("team/", team.team, name="team"),
    path("team/reassign/", team.cases_reassign, name="cases_reassign"),
    path("team/substitutions/new/", team.substitution_create, name="substitution_create"),
    path("team/substitutions/<int:pk>/end/", team.substitution_end, name="substitution_end"),
    path("team/substitutions/<int:pk>/delete/", team.substitution_delete, name="substitution_delete"),
]
