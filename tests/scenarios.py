"""Three enterprises whose matter is not "registered in Qingyang" (issue 17), with what the plan gives each.

Shared by the CLI test (tests/test_scope_scenarios.py) and the API test (tests/web/test_scope_api.py).
"""

# Registered in another Chengdu district, moving its registered address into Qingyang.
MOVING_IN = {"enterprise": {"in_qingyang": False}, "registration": {"moving_into_qingyang": True}}
MOVING_IN_ELIGIBLE = ("intra-city-move-commitment", "address-declaration-registration")

# A builder registered outside Qingyang connecting gas and a DN50 water pipe at a site in Qingyang.
OUTSIDE_BUILDER = {"enterprise": {"in_qingyang": False},
                   "project": {"in_qingyang": True},
                   "utilities": {"needs_gas": True, "user_type": "non_residential", "gas_works": "small_micro",
                                 "needs_water": True, "water_pipe_dn": 50, "water_external_works": False}}
OUTSIDE_BUILDER_ELIGIBLE = ("gas-two-steps-two-documents", "gas-small-micro-4-days", "water-three-zero")

# Small enterprises wanting standard land: one with no link to Qingyang, one in Qingyang but its site
# outside the function zones, one whose site is in a function zone.
SME_ELSEWHERE = {"enterprise": {"in_qingyang": False, "size": "small"},
                 "project": {"in_qingyang": False, "acquires_land": True}}
SME_OUTSIDE_ZONE = {"enterprise": {"in_qingyang": True, "size": "small"},
                    "project": {"in_qingyang": True, "in_function_zone": False, "needs_plant_rental": True}}
SME_IN_ZONE = {"enterprise": {"size": "small"},
               "project": {"in_qingyang": True, "in_function_zone": True, "needs_plant_rental": True}}
STANDARD_LAND = "standard-land-sme"
