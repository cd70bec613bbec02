import * as assert from 'assert';
import { parseBuildStep } from '../../../src/model/buildStep';

describe('parseBuildStep: the build step as a Dockerfile reads', () => {
  const cases: Array<[string, string, string, string, string?]> = [
    // [created_by, text, instruction, kind, comment]
    ['/bin/sh -c #(nop)  CMD ["sh"]', 'CMD ["sh"]', 'CMD', 'metadata'],
    ['/bin/sh -c #(nop)  CMD ["cat" "/app/app.txt"]', 'CMD ["cat", "/app/app.txt"]', 'CMD', 'metadata'],
    ['/bin/sh -c #(nop)  ENV PATH=/usr/local/bin:/usr/bin', 'ENV PATH=/usr/local/bin:/usr/bin', 'ENV', 'metadata'],
    ['/bin/sh -c #(nop)  EXPOSE 8080', 'EXPOSE 8080', 'EXPOSE', 'metadata'],
    ['/bin/sh -c #(nop)  LABEL a=b', 'LABEL a=b', 'LABEL', 'metadata'],
    ['/bin/sh -c #(nop) WORKDIR /app', 'WORKDIR /app', 'WORKDIR', 'either'],
    [
      '/bin/sh -c #(nop) ADD file:ce026b62356eec3ad1214f92be2c9dc063fe205bd5e600be3492c4dfb17148bd in / ',
      'ADD file:ce026b62356e… /',
      'ADD',
      'filesystem',
    ],
    [
      '/bin/sh -c #(nop) COPY file:139c3708fb6261126453e34483abd8bf7b26ed16d952fd976994d68e72d93be2 in /app/',
      'COPY file:139c3708fb62… /app/',
      'COPY',
      'filesystem',
    ],
    ['/bin/sh -c #(nop) COPY --chown=1000 dir:7ec14b81316baa1a31c38c97 in /srv', 'COPY --chown=1000 dir:7ec14b81316b… /srv', 'COPY', 'filesystem'],
    ['/bin/sh -c apt-get update && apt-get install -y curl', 'RUN apt-get update && apt-get install -y curl', 'RUN', 'filesystem'],
    ['|2 VERSION=1.2 DEBUG= /bin/sh -c make install', 'RUN make install', 'RUN', 'filesystem'],
    ['/bin/busybox --install -s /bin', 'RUN /bin/busybox --install -s /bin', 'RUN', 'filesystem'],
    ['RUN /bin/sh -c pip install flask # buildkit', 'RUN pip install flask', 'RUN', 'filesystem'],
    ['COPY app.py /app/ # buildkit', 'COPY app.py /app/', 'COPY', 'filesystem'],
    ['CMD ["python3" "app.py"]', 'CMD ["python3" "app.py"]', 'CMD', 'metadata'],
    ['ENV LANG=C.UTF-8', 'ENV LANG=C.UTF-8', 'ENV', 'metadata'],
    ['WORKDIR /app', 'WORKDIR /app', 'WORKDIR', 'either'],
    ['', 'IMPORT (Imported from -)', 'IMPORT', 'filesystem', 'Imported from -'],
    ['', '(no build step recorded)', '', 'filesystem'],
  ];
  for (const [createdBy, text, instruction, kind, comment] of cases) {
    it(`${createdBy || '(empty)'} → ${text}`, () =>
      assert.deepStrictEqual(parseBuildStep(createdBy, comment), { text, instruction, kind }));
  }
});
