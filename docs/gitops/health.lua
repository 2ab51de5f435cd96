-- Argo CD health check for logicops.io LogicAppWorkflow, VaultSecretBinding, WorkflowRoleAssignment and LogicAppConnection.
-- The same rules kstatus (Flux) applies, mapped onto Argo CD's health states:
--   Stalled=True     -> Degraded     (a human must act: invalid spec, authorization, quota, ...)
--   Reconciling=True -> Progressing  (work in flight, or waiting on something that clears by itself)
--   Ready=True       -> Healthy
--   anything else    -> Progressing  (not yet observed, or Ready=False/Unknown without a verdict)
-- Uses only what Argo CD's default Lua sandbox offers (base and table libraries).
local health = { status = "Progressing", message = "Waiting for logicops to report status" }

if obj.status == nil then
  return health
end

local generation = obj.metadata and obj.metadata.generation
local observed = obj.status.observedGeneration
if generation ~= nil and observed ~= nil and observed ~= generation then
  health.message = "Waiting for logicops to observe generation " .. generation .. " (observed " .. observed .. ")"
  return health
end

local function describe(condition)
  local text = condition.reason or condition.type
  if condition.message ~= nil and condition.message ~= "" then
    text = text .. ": " .. condition.message
  end
  return text
end

local ready, reconciling, stalled
for _, condition in ipairs(obj.status.conditions or {}) do
  if condition.type == "Ready" then
    ready = condition
  elseif condition.type == "Reconciling" then
    reconciling = condition
  elseif condition.type == "Stalled" then
    stalled = condition
  end
end

if stalled ~= nil and stalled.status == "True" then
  health.status = "Degraded"
  health.message = describe(stalled)
elseif reconciling ~= nil and reconciling.status == "True" then
  health.message = describe(reconciling)
elseif ready ~= nil and ready.status == "True" then
  health.status = "Healthy"
  health.message = describe(ready)
elseif ready ~= nil then
  health.message = describe(ready)
end
return health
