# syntax=docker/dockerfile:1
# The logicops operator image. Base images are build arguments so a registry mirror or a
# locally assembled base can stand in (scripts/build-image.sh does that with buildah):
#   NODE_IMAGE     build stages: Node 24 with npm
#   RUNTIME_IMAGE  final stage: Node 24 at /nodejs/bin/node, nothing else needed (distroless)
ARG NODE_IMAGE=docker.io/library/node:24-bookworm-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs24-debian12:nonroot

# Type-check with tsc, then bundle the CLI and its dependencies into one minified file,
# dist/cli/main.js (scripts/bundle-operator.ts; esbuild is a dev dependency): one module
# instead of ~2,000 costs less memory to load (docs/benchmark.md, "Memory").
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: nothing here needs an install script, and the node@24 dev dependency's
# would download a second Node binary. --workspaces=false: the workspace packages (packages/*: the
# Azure emulator, the control-plane harness) are development tools the operator never imports;
# they are not copied in, and neither they nor their dependencies are installed. The optional
# build secret `extra-ca` is a CA bundle for a TLS-inspecting proxy in front of the npm registry;
# as a secret mount it never lands in a layer.
RUN --mount=type=secret,id=extra-ca \
    if [ -s /run/secrets/extra-ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/extra-ca; fi; \
    npm ci --ignore-scripts --workspaces=false --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/bundle-operator.ts ./scripts/
RUN npx tsc -p tsconfig.build.json --noEmit && node scripts/bundle-operator.ts dist

# Production dependencies only, installed fresh (never pruned from the dev tree).
FROM ${NODE_IMAGE} AS production-deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=extra-ca \
    if [ -s /run/secrets/extra-ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/extra-ca; fi; \
    npm ci --omit=dev --ignore-scripts --workspaces=false --no-audit --no-fund && npm cache clean --force

FROM ${RUNTIME_IMAGE}
WORKDIR /app
ENV NODE_ENV=production
# glibc malloc: allocations of 32 KiB and more get their own mapping, given back on free. V8's
# parser and compilers allocate their scratch memory in segments of up to 32 KiB; without this
# ~30 MiB of it, freed after start-up, stays in the brk heap for good (idle RSS 114 -> 85 MiB;
# docs/benchmark.md, "Memory"). IMAGE_ENV in bench/compiled-operator.ts is the same list.
ENV MALLOC_MMAP_THRESHOLD_=32768
COPY --from=production-deps /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# The CLI reads its version from package.json next to dist/.
COPY package.json ./
# 65532 is distroless' "nonroot"; numeric so Pod Security can verify runAsNonRoot.
USER 65532:65532
EXPOSE 8080 8081
# Node flags, measured with `npm run bench -- --compiled` at 5,000 objects (docs/benchmark.md,
# "Memory"; peak RSS 373 MiB with tsc output and the first flag alone, 195 MiB with all three):
#   --max-semi-space-size=1   V8's young generation otherwise grows to tens of MiB of mostly
#                             empty pages; the operator's allocations are short-lived and small.
#   --max-old-space-size=128  without a cap V8 lets the old space grow far past the live heap
#                             (≤ 73 MiB at 5,000 objects). Goes with the chart's memory limit
#                             (deploy/helm/logicops values.yaml `resources`, docs/operations.md, "Memory");
#                             the chart's operator.maxOldSpaceSizeMiB renders this line with another cap.
#   --optimize-for-size       smaller heap growth steps and code: -22 MiB at 5,000 objects, CPU per
#                             reconcile within the noise there (+16 % in one 400-object run).
ENTRYPOINT ["/nodejs/bin/node", "--max-semi-space-size=1", "--max-old-space-size=128", "--optimize-for-size", "/app/dist/cli/main.js"]
CMD ["run"]
