# Two stages: build with the Swift toolchain, run on a slim Debian with only the C libraries
# Cabildo links (argon2, cmark-gfm, SQLite). The database lives in the /data volume.
#   docker build -t cabildo .
#   docker run -p 8080:8080 -v cabildo-data:/data cabildo
FROM swift:6.3-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
        libargon2-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libqrencode-dev libsqlite3-dev pkg-config zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
RUN swift build -c release --product cabildo --static-swift-stdlib

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
        libargon2-1 libcmark-gfm0.29.0.gfm.6 libcmark-gfm-extensions0.29.0.gfm.6 libqrencode4 libsqlite3-0 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /data --shell /usr/sbin/nologin cabildo \
    && mkdir /data && chown cabildo:cabildo /data
WORKDIR /opt/cabildo
COPY --from=build /src/.build/release/cabildo ./cabildo
COPY Templates ./Templates
COPY Public ./Public
USER cabildo
ENV CABILDO_HOST=0.0.0.0 CABILDO_PORT=8080 CABILDO_DATABASE=/data/cabildo.sqlite \
    CABILDO_TEMPLATES=/opt/cabildo/Templates CABILDO_PUBLIC=/opt/cabildo/Public
VOLUME /data
EXPOSE 8080
STOPSIGNAL SIGTERM
CMD ["/opt/cabildo/cabildo", "serve"]
